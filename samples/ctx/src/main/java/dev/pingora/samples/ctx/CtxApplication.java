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

package dev.pingora.samples.ctx;

import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.lb.Backend;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A proxy that learns in {@code requestFilter} whether the client is a beta user and
 * routes beta users to another upstream in {@code upstreamPeer}: per-request state in the
 * context, shared counters in the proxy. The upstreams come from {@code sample.upstream}
 * and {@code sample.beta-upstream}.
 *
 * <p>
 * Pingora counterpart: {@code pingora-proxy/examples/ctx.rs}.
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(CtxApplication.SampleProperties.class)
public class CtxApplication {

	public static void main(String[] args) {
		SpringApplication.run(CtxApplication.class, args);
	}

	@Bean
	BetaRoutingProxy betaRoutingProxy(SampleProperties properties) {
		return new BetaRoutingProxy(peer(properties.upstream()), peer(properties.betaUpstream()));
	}

	private static HttpPeer peer(String address) {
		Backend backend = Backend.parse(address);
		return HttpPeer.of(backend.host(), backend.port());
	}

	// tag::sample[]
	/**
	 * Sends requests that carry a {@code beta-flag} header to the beta upstream.
	 */
	static final class BetaRoutingProxy implements ProxyHttp<BetaRoutingProxy.Ctx> {

		private static final Logger logger = LoggerFactory.getLogger(BetaRoutingProxy.class);

		// Shared by all requests, on every event loop: thread-safe.
		private final AtomicLong requests = new AtomicLong();

		private final AtomicLong betaRequests = new AtomicLong();

		private final HttpPeer upstream;

		private final HttpPeer betaUpstream;

		BetaRoutingProxy(HttpPeer upstream, HttpPeer betaUpstream) {
			this.upstream = upstream;
			this.betaUpstream = betaUpstream;
		}

		@Override
		public Ctx newCtx() {
			return new Ctx();
		}

		@Override
		public Mono<Boolean> requestFilter(Session session, Ctx ctx) {
			ctx.betaUser = session.requestHeader().header("beta-flag") != null;
			return Mono.just(false);
		}

		@Override
		public Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
			long request = this.requests.incrementAndGet();
			if (ctx.betaUser) {
				logger.info("I'm a beta user #{}", this.betaRequests.incrementAndGet());
				return Mono.just(this.betaUpstream);
			}
			logger.info("I'm a user #{}", request);
			return Mono.just(this.upstream);
		}

		long requests() {
			return this.requests.get();
		}

		long betaRequests() {
			return this.betaRequests.get();
		}

		/**
		 * Per-request state: one instance per request, passed to each of its phases.
		 */
		static final class Ctx {

			boolean betaUser;

		}

	}
	// end::sample[]

	/**
	 * Properties of the sample.
	 *
	 * @param upstream address of the upstream for everyone, host:port
	 * @param betaUpstream address of the upstream for beta users, host:port
	 */
	@ConfigurationProperties("sample")
	record SampleProperties(String upstream, String betaUpstream) {

	}

}
