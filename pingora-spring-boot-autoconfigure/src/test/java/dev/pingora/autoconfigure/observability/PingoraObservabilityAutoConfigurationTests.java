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

package dev.pingora.autoconfigure.observability;

import java.util.Map;

import dev.pingora.actuate.endpoint.PingoraEndpoint;
import dev.pingora.actuate.health.PingoraHealthIndicator;
import dev.pingora.autoconfigure.PingoraLoadBalancingAutoConfiguration;
import dev.pingora.autoconfigure.PingoraRoutingAutoConfiguration;
import dev.pingora.autoconfigure.PingoraServerAutoConfiguration;
import dev.pingora.metrics.MetricsFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.pingora.metrics.LoadBalancerMetrics;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PingoraMetricsAutoConfiguration},
 * {@link PingoraEndpointAutoConfiguration} and {@link PingoraHealthAutoConfiguration}.
 */
class PingoraObservabilityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PingoraLoadBalancingAutoConfiguration.class,
				PingoraRoutingAutoConfiguration.class, PingoraServerAutoConfiguration.class,
				PingoraMetricsAutoConfiguration.class, PingoraEndpointAutoConfiguration.class,
				PingoraHealthAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:0", "pingora.server.threads=1",
				"pingora.upstreams.api.backends[0].address=127.0.0.1:9", "pingora.routes[0].upstream=api",
				"management.endpoints.web.exposure.include=health,pingora")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void defaultsGiveMetricsAnEndpointAndAHealthComponent() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MetricsFilter.class)
				.hasSingleBean(PingoraEndpoint.class)
				.hasSingleBean(PingoraHealthIndicator.class);
			PingoraEndpoint.PingoraDescriptor descriptor = context.getBean(PingoraEndpoint.class).pingora();
			assertThat(descriptor.running()).isTrue();
			assertThat(descriptor.proxy()).isEqualTo("routing");
			assertThat(descriptor.routes()).singleElement()
				.satisfies((route) -> assertThat(route.upstream()).isEqualTo("api"));
			assertThat(descriptor.upstreams().get("api").backends()).singleElement()
				.satisfies((backend) -> assertThat(backend.address()).isEqualTo("127.0.0.1:9"));
			assertThat(descriptor.listeners()).singleElement()
				.satisfies((listener) -> assertThat(listener.bound()).isNotNull());
			assertThat(context.getBean(PingoraHealthIndicator.class).health().block().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void upstreamsShowTheirBackendsHealthInHealthTheEndpointAndMetrics() {
		try (TestOrigin live = TestOrigin.hello("live")) {
			this.runner
				.withPropertyValues("pingora.upstreams.api.backends[1].address=127.0.0.1:" + live.port(),
						"pingora.upstreams.api.health-check.type=tcp",
						"pingora.upstreams.api.health-check.unhealthy-threshold=1")
				.run((context) -> {
					Health health = context.getBean(PingoraHealthIndicator.class).health().block();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails().get("upstreams")).isEqualTo(Map.of("api", Map.of("ready", 1, "total",
							2, "backends", Map.of("127.0.0.1:9", "unhealthy", "127.0.0.1:" + live.port(), "ready"))));
					PingoraEndpoint.UpstreamDescriptor api = context.getBean(PingoraEndpoint.class)
						.pingora()
						.upstreams()
						.get("api");
					assertThat(api.selection()).isEqualTo("round-robin");
					assertThat(api.healthCheck()).isEqualTo("tcp");
					assertThat(api.passiveHealthCheck()).isEqualTo("5 failures, cool-down PT30S");
					assertThat(api.retries()).isEqualTo(2);
					assertThat(api.ready()).isEqualTo(1);
					assertThat(api.backends()).extracting(PingoraEndpoint.BackendDescriptor::healthy)
						.containsExactly(false, true);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					context.getBean(LoadBalancerMetrics.class).bindTo(registry);
					assertThat(registry.get("pingora.backend.ready").tag("backend", "127.0.0.1:9").gauge().value())
						.isZero();
					assertThat(registry.get("pingora.backend.ready")
						.tag("backend", "127.0.0.1:" + live.port())
						.gauge()
						.value()).isOne();
					assertThat(registry.get("pingora.upstream.backends")
						.tags("upstream", "api", "state", "ready")
						.gauge()
						.value()).isOne();
					assertThat(registry.get("pingora.backend.requests").tag("upstream", "api").functionCounters())
						.hasSize(2);
				});
		}
	}

	@Test
	void metricsNeedAMeterRegistryAndCanBeSwitchedOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PingoraLoadBalancingAutoConfiguration.class,
					PingoraRoutingAutoConfiguration.class, PingoraServerAutoConfiguration.class,
					PingoraMetricsAutoConfiguration.class))
			.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:0", "pingora.server.threads=1")
			.run((context) -> assertThat(context).doesNotHaveBean(MetricsFilter.class));
		this.runner.withPropertyValues("pingora.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MetricsFilter.class));
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MetricsFilter.class));
	}

	@Test
	void withoutActuatorThereIsNoEndpointAndNoHealthComponent() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class, ReactiveHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PingoraEndpoint.class)
				.doesNotHaveBean(PingoraHealthIndicator.class));
	}

	@Test
	void theHealthComponentAndTheEndpointCanBeTurnedOff() {
		this.runner
			.withPropertyValues("management.health.pingora.enabled=false", "management.endpoint.pingora.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(PingoraHealthIndicator.class)
				.doesNotHaveBean(PingoraEndpoint.class));
	}

}
