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

package dev.pingora.samples.loadbalancer;

import java.time.Duration;
import java.util.List;

import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.health.TcpHealthCheck;
import dev.pingora.lb.selection.BackendSelection;
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
 * A proxy that sends each request to the next healthy one of its upstreams in turn (round
 * robin, TCP health checks every second) and tags the requests it forwards. The upstreams
 * come from {@code sample.upstreams}.
 *
 * <p>
 * Pingora counterpart: {@code pingora-proxy/examples/load_balancer.rs}.
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(LoadBalancerApplication.SampleProperties.class)
public class LoadBalancerApplication {

	public static void main(String[] args) {
		SpringApplication.run(LoadBalancerApplication.class, args);
	}

	// tag::sample[]
	/**
	 * The upstreams, checked every second with a TCP connect. As a bean, the load
	 * balancer is a background service of the proxy server: its first health check runs
	 * before the proxy listens, the next ones every second.
	 * @param properties the sample's properties
	 * @return the load balancer
	 */
	@Bean
	LoadBalancer upstreams(SampleProperties properties) {
		List<Backend> backends = properties.upstreams().stream().map(Backend::parse).toList();
		return LoadBalancer.builder()
			.backends(backends)
			.selection(BackendSelection.roundRobin())
			.healthCheck(TcpHealthCheck.of(), Duration.ofSeconds(1))
			.build();
	}

	@Bean
	LoadBalancingProxy loadBalancingProxy(LoadBalancer upstreams) {
		return new LoadBalancingProxy(upstreams);
	}

	/**
	 * Picks the next backend for every request and adds {@code x-sample} upstream.
	 */
	static final class LoadBalancingProxy implements ProxyHttp<LoadBalancingProxy.Ctx> {

		private static final Logger logger = LoggerFactory.getLogger(LoadBalancingProxy.class);

		private final LoadBalancer loadBalancer;

		LoadBalancingProxy(LoadBalancer loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		@Override
		public Ctx newCtx() {
			return new Ctx();
		}

		@Override
		public Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
			// The first healthy backend among at most 256 candidates, as in Pingora.
			Backend backend = this.loadBalancer.select(null, 256);
			if (backend == null) {
				return Mono.error(ProxyError.status(503, "no healthy upstream"));
			}
			logger.info("upstream peer is: {}", backend);
			return Mono.just(HttpPeer.of(backend.host(), backend.port()));
		}

		@Override
		public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Ctx ctx) {
			upstreamRequest.setHeader("x-sample", "load-balancer");
			return Mono.empty();
		}

		/**
		 * No per-request state (Pingora: {@code type CTX = ()}).
		 */
		static final class Ctx {

		}

	}
	// end::sample[]

	/**
	 * Properties of the sample.
	 *
	 * @param upstreams comma-separated list of upstream addresses, host:port
	 */
	@ConfigurationProperties("sample")
	record SampleProperties(List<String> upstreams) {

	}

}
