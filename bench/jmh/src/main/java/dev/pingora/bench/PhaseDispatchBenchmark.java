/*
 * Copyright 2026 the pingora-spring-boot authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.pingora.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.internal.Monos;
import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Cost of dispatching the header phases of one request the way the engine does: the
 * request-side phases (earlyRequestFilter, requestFilter, proxyUpstreamFilter,
 * upstreamPeer, upstreamRequestFilter) and the response-side ones
 * (upstreamResponseFilter, responseFilter, logging), each result read through
 * {@link Monos} as the engine reads it. {@code filters} is the number of
 * {@link ProxyFilter}s in front of the proxy, each editing one request header and one
 * response header; 0 is the proxy alone.
 *
 * <p>
 * The session is a {@link java.lang.reflect.Proxy} that answers only what the filters ask
 * (request header, attributes); its reflective calls are part of the numbers.
 *
 * <pre>
 * java -jar bench/jmh/target/pingora-benchmarks.jar PhaseDispatchBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PhaseDispatchBenchmark {

	private static final HttpPeer PEER = HttpPeer.of("127.0.0.1", 8080);

	@Param({ "0", "1", "4" })
	int filters;

	private ProxyHttp<Object> proxy;

	private Session session;

	private RequestHeader request;

	private ResponseHeader response;

	@Setup
	public void setUp() {
		ProxyHttp<Object> plain = new ProxyHttp<>() {

			@Override
			public Object newCtx() {
				return new Object();
			}

			@Override
			public Mono<HttpPeer> upstreamPeer(Session session, Object ctx) {
				return Mono.just(PEER);
			}

		};
		List<ProxyFilter> chain = new ArrayList<>();
		for (int i = 0; i < this.filters; i++) {
			chain.add(new HeaderFilter("x-filter-" + i));
		}
		this.proxy = FilteredProxyHttp.of(plain, chain);
		this.request = RequestHeader.of(HttpMethod.GET, "/api/orders").setHeader("Host", "api.example.com");
		this.response = ResponseHeader.of(200);
		this.session = session(this.request);
	}

	@Benchmark
	public Object requestAndResponsePhases() {
		Object ctx = this.proxy.newCtx();
		Session s = this.session;
		Boolean answered = Monos.then(this.proxy.requestFilter(s, ctx), Boolean.FALSE, Mono::just).block();
		Monos.then(this.proxy.earlyRequestFilter(s, ctx), Mono::empty).block();
		Monos.then(this.proxy.proxyUpstreamFilter(s, ctx), Boolean.TRUE, Mono::just).block();
		HttpPeer peer = Monos.then(this.proxy.upstreamPeer(s, ctx), PEER, Mono::just).block();
		Monos.then(this.proxy.upstreamRequestFilter(s, this.request, ctx), Mono::empty).block();
		Monos.then(this.proxy.upstreamResponseFilter(s, this.response, ctx), Mono::empty).block();
		Monos.then(this.proxy.responseFilter(s, this.response, ctx), Mono::empty).block();
		Monos.then(this.proxy.logging(s, null, ctx), Mono::empty).block();
		return (answered != null && answered) ? null : peer;
	}

	private static Session session(RequestHeader request) {
		Map<String, Object> attributes = new HashMap<>();
		return (Session) java.lang.reflect.Proxy.newProxyInstance(Session.class.getClassLoader(),
				new Class<?>[] { Session.class }, (instance, method, args) -> switch (method.getName()) {
					case "requestHeader" -> request;
					case "attribute" -> attributes.get((String) args[0]);
					case "setAttribute" -> attributes.put((String) args[0], args[1]);
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	/**
	 * A filter that edits one request header and one response header, like the filter of
	 * the performance goal.
	 */
	private static final class HeaderFilter implements ProxyFilter {

		private final String name;

		HeaderFilter(String name) {
			this.name = name;
		}

		@Override
		public Mono<Boolean> requestFilter(Session session) {
			session.requestHeader().setHeader(this.name, "1");
			return Mono.just(false);
		}

		@Override
		public Mono<Void> responseFilter(Session session, ResponseHeader response) {
			response.setHeader(this.name, "1");
			return Mono.empty();
		}

	}

}
