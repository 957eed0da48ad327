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

package dev.pingora.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.server.Server;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Fuseable;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FilteredProxyHttp}: filters wrap the proxy like an onion.
 */
class FilteredProxyHttpTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private final List<String> calls = new CopyOnWriteArrayList<>();

	@Test
	void requestPhasesRunFiltersFirstAndResponsePhasesRunThemLast() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("onion"));
		ProxyHttp<Object> proxy = FilteredProxyHttp.of(new Recording("proxy", origin.port()),
				List.of(new Filter("outer"), new Filter("inner")));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(response.text()).isEqualTo("onion");
			assertThat(response.header("x-seen")).isEqualTo("proxy,inner,outer");
		}
		await().until(() -> this.calls.contains("outer:logging"));
		assertThat(this.calls).containsExactly("outer:requestFilter", "inner:requestFilter", "proxy:requestFilter",
				"outer:upstreamRequestFilter", "inner:upstreamRequestFilter", "proxy:upstreamRequestFilter",
				"proxy:responseFilter", "inner:responseFilter", "outer:responseFilter", "proxy:logging",
				"inner:logging", "outer:logging");
		assertThat(origin.lastRequest().headers().getAll("x-filters")).containsExactly("outer,inner");
	}

	@Test
	void aFilterThatAnswersTheRequestStopsTheRest() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("never"));
		ProxyFilter deny = new ProxyFilter() {

			@Override
			public Mono<Boolean> requestFilter(Session session) {
				return session.respondError(403).thenReturn(true);
			}

		};
		ProxyHttp<Object> proxy = FilteredProxyHttp.of(new Recording("proxy", origin.port()),
				List.of(deny, new Filter("inner")));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(403);
		}
		await().until(() -> this.calls.contains("inner:logging"));
		assertThat(this.calls).doesNotContain("inner:requestFilter", "proxy:requestFilter");
		assertThat(origin.requests()).isEmpty();
	}

	@Test
	void aLoggingPhaseThatThrowsDoesNotStopTheOthers() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("logged"));
		ProxyFilter broken = new ProxyFilter() {

			@Override
			public Mono<Void> logging(Session session, @Nullable ProxyError error) {
				throw new IllegalStateException("a broken access log");
			}

		};
		ProxyHttp<Object> proxy = FilteredProxyHttp.of(new Recording("proxy", origin.port()),
				List.of(new Filter("outer"), broken));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("logged");
		}
		await().until(() -> this.calls.contains("outer:logging"));
		assertThat(this.calls).contains("proxy:logging");
	}

	@Test
	void phasesThatAnswerAtOnceBuildNoOperatorChain() {
		// A filter that overrides nothing and phases that return Mono.empty() or
		// Mono.just(..) must not cost a reactive pipeline per request.
		ProxyHttp<Object> proxy = FilteredProxyHttp.of(new Recording("proxy", 1),
				List.of(new Filter("outer"), new ProxyFilter() {
				}));
		Session session = attributesOnly();
		ResponseHeader response = ResponseHeader.of(200);
		assertThat(proxy.earlyRequestFilter(session, null)).isInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(proxy.requestFilter(session, null)).isInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(proxy.responseFilter(session, response, null)).isInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(proxy.logging(session, null, null)).isInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(this.calls).containsExactly("outer:requestFilter", "proxy:requestFilter", "proxy:responseFilter",
				"outer:responseFilter", "proxy:logging", "outer:logging");
	}

	/**
	 * A session that keeps attributes and supports nothing else.
	 */
	private static Session attributesOnly() {
		Map<String, Object> attributes = new HashMap<>();
		return (Session) java.lang.reflect.Proxy.newProxyInstance(Session.class.getClassLoader(),
				new Class<?>[] { Session.class }, (instance, method, args) -> switch (method.getName()) {
					case "attribute" -> attributes.get((String) args[0]);
					case "setAttribute" -> attributes.put((String) args[0], args[1]);
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	@Test
	void noFiltersMeansTheProxyItself() {
		ProxyHttp<Object> proxy = new Recording("proxy", 1);
		assertThat(FilteredProxyHttp.of(proxy, List.of())).isSameAs(proxy);
	}

	private final class Filter implements ProxyFilter {

		private final String name;

		Filter(String name) {
			this.name = name;
		}

		@Override
		public Mono<Boolean> requestFilter(Session session) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":requestFilter");
			String seen = session.attribute("filters");
			session.setAttribute("filters", (seen != null) ? seen + "," + this.name : this.name);
			return Mono.just(false);
		}

		@Override
		public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":upstreamRequestFilter");
			upstreamRequest.setHeader("x-filters", session.<String>attribute("filters"));
			return Mono.empty();
		}

		@Override
		public Mono<Void> responseFilter(Session session, ResponseHeader response) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":responseFilter");
			response.setHeader("x-seen", response.header("x-seen") + "," + this.name);
			return Mono.empty();
		}

		@Override
		public Mono<Void> logging(Session session, @Nullable ProxyError error) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":logging");
			return Mono.empty();
		}

	}

	private final class Recording extends ForwardingProxy {

		private final String name;

		Recording(String name, int port) {
			super(port);
			this.name = name;
		}

		@Override
		public Mono<Boolean> requestFilter(Session session, Object ctx) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":requestFilter");
			return Mono.just(false);
		}

		@Override
		public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Object ctx) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":upstreamRequestFilter");
			return Mono.empty();
		}

		@Override
		public Mono<Void> responseFilter(Session session, ResponseHeader response, Object ctx) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":responseFilter");
			response.setHeader("x-seen", this.name);
			return Mono.empty();
		}

		@Override
		public Mono<Void> logging(Session session, @Nullable ProxyError error, Object ctx) {
			FilteredProxyHttpTests.this.calls.add(this.name + ":logging");
			return Mono.empty();
		}

	}

}
