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

package dev.pingora.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the public property names of DESIGN.md bind.
 */
class PingoraRoutingPropertiesTests {

	@Test
	void theContractNamesBind() {
		MapConfigurationPropertySource source = new MapConfigurationPropertySource(Map.ofEntries(
				Map.entry("pingora.server.listeners[0].address", "0.0.0.0:8080"),
				Map.entry("pingora.server.listeners[1].tls.certificate", "file:cert.pem"),
				Map.entry("pingora.server.listeners[1].tls.private-key", "file:key.pem"),
				Map.entry("pingora.upstreams.api.backends[0].address", "10.0.0.1:8080"),
				Map.entry("pingora.upstreams.api.backends[0].weight", "2"),
				Map.entry("pingora.upstreams.api.selection", "round-robin"),
				Map.entry("pingora.upstreams.api.health-check.type", "http"),
				Map.entry("pingora.upstreams.api.health-check.interval", "5s"),
				Map.entry("pingora.upstreams.api.health-check.expected-status", "200,2xx"),
				Map.entry("pingora.upstreams.api.hash-key", "header:x-user"),
				Map.entry("pingora.upstreams.api.discovery", "spring-cloud"),
				Map.entry("pingora.upstreams.api.service-id", "api-service"),
				Map.entry("pingora.upstreams.api.passive-health-check.consecutive-failures", "3"),
				Map.entry("pingora.upstreams.api.retries", "3"), Map.entry("pingora.routes[0].host", "api.example.com"),
				Map.entry("pingora.routes[0].path-prefix", "/v1"), Map.entry("pingora.routes[0].upstream", "api"),
				Map.entry("pingora.routes[0].cache", "true")));
		Binder binder = new Binder(source);
		PingoraRoutingProperties routing = binder.bind("pingora", Bindable.of(PingoraRoutingProperties.class)).get();
		PingoraRoutingProperties.Upstream api = routing.getUpstreams().get("api");
		assertThat(api.getBackends().get(0).getAddress()).isEqualTo("10.0.0.1:8080");
		assertThat(api.getBackends().get(0).getWeight()).isEqualTo(2);
		assertThat(api.getSelection()).isEqualTo("round-robin");
		assertThat(api.getHealthCheck().getType()).isEqualTo("http");
		assertThat(api.getHealthCheck().getInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(api.getRetries()).isEqualTo(3);
		assertThat(api.getHealthCheck().getExpectedStatus()).containsExactly("200", "2xx");
		assertThat(api.getHashKey()).isEqualTo("header:x-user");
		assertThat(api.getDiscovery()).isEqualTo("spring-cloud");
		assertThat(api.getServiceId()).isEqualTo("api-service");
		assertThat(api.getPassiveHealthCheck().getConsecutiveFailures()).isEqualTo(3);
		PingoraRoutingProperties.Route route = routing.getRoutes().get(0);
		assertThat(route.getHost()).isEqualTo("api.example.com");
		assertThat(route.getPathPrefix()).isEqualTo("/v1");
		assertThat(route.getUpstream()).isEqualTo("api");
		assertThat(route.getCache()).isTrue();
		PingoraServerProperties server = binder.bind("pingora.server", Bindable.of(PingoraServerProperties.class))
			.get();
		assertThat(server.getListeners()).hasSize(2);
		assertThat(server.getListeners().get(0).getAddress()).isEqualTo("0.0.0.0:8080");
		assertThat(server.getListeners().get(1).getTls().getCertificate()).isEqualTo("file:cert.pem");
		assertThat(server.getListeners().get(1).getTls().getPrivateKey()).isEqualTo("file:key.pem");
	}

	@Test
	void defaultsAreThoseDocumented() {
		PingoraServerProperties server = new PingoraServerProperties();
		assertThat(server.getListeners()).singleElement()
			.satisfies((listener) -> assertThat(listener.getAddress()).isEqualTo("0.0.0.0:8080"));
		assertThat(server.getGracePeriod()).isEqualTo(Duration.ofSeconds(30));
		PingoraRoutingProperties.Upstream upstream = new PingoraRoutingProperties.Upstream();
		assertThat(upstream.getSelection()).isEqualTo("round-robin");
		assertThat(upstream.getRetries()).isEqualTo(2);
		assertThat(upstream.getPeer().getIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(upstream.getDiscovery()).isEqualTo("static");
		assertThat(upstream.getDiscoveryInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(upstream.getHealthCheck().getType()).isNull();
		assertThat(upstream.getHealthCheck().getExpectedStatus()).containsExactly("200");
		assertThat(upstream.getHealthCheck().getHealthyThreshold()).isEqualTo(1);
		assertThat(upstream.getHealthCheck().getUnhealthyThreshold()).isEqualTo(3);
		assertThat(upstream.getPassiveHealthCheck().getConsecutiveFailures()).isEqualTo(5);
		assertThat(upstream.getPassiveHealthCheck().getCoolDown()).isEqualTo(Duration.ofSeconds(30));
	}

}
