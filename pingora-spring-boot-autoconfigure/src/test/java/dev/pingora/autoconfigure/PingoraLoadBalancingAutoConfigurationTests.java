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

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.PassiveHealthCheck;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PingoraLoadBalancingAutoConfiguration}.
 */
class PingoraLoadBalancingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PingoraLoadBalancingAutoConfiguration.class,
				PingoraRoutingAutoConfiguration.class, PingoraServerAutoConfiguration.class))
		.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:0", "pingora.server.threads=1");

	@Test
	void eachUpstreamIsALoadBalancerBeanQualifiedByItsName() {
		this.runner
			.withPropertyValues("pingora.upstreams.users.backends[0].address=10.0.0.1:80",
					"pingora.upstreams.users.backends[1].address=10.0.0.2:80",
					"pingora.upstreams.users.backends[1].weight=3", "pingora.upstreams.users.selection=consistent",
					"pingora.upstreams.users.hash-key=header:x-user", "pingora.upstreams.users.health-check.type=http",
					"pingora.upstreams.users.health-check.path=/health",
					"pingora.upstreams.users.passive-health-check.consecutive-failures=2",
					"pingora.upstreams.users.passive-health-check.cool-down=5s",
					"pingora.upstreams.orders.backends[0].address=10.0.0.3:80",
					"pingora.upstreams.orders.selection=least-request",
					"pingora.upstreams.orders.passive-health-check.consecutive-failures=0")
			.withUserConfiguration(UsesTheUsersUpstream.class)
			.run((context) -> {
				assertThat(context).getBeans(LoadBalancer.class).hasSize(2);
				LoadBalancer users = context.getBean(UsesTheUsersUpstream.class).users;
				assertThat(users).isSameAs(context.getBean(PingoraUpstreams.class).get("users").loadBalancer())
					.isSameAs(context.getBean("pingoraLoadBalancer.users"));
				assertThat(users.selection().name()).isEqualTo("consistent");
				assertThat(users.backends().list()).containsExactly(Backend.parse("10.0.0.1:80"),
						Backend.parse("10.0.0.2:80").withWeight(3));
				assertThat(users.healthCheck()).hasToString("http /health");
				assertThat(users.passiveHealthCheck()).isEqualTo(new PassiveHealthCheck(2, Duration.ofSeconds(5)));
				UpstreamGroup usersGroup = context.getBean(PingoraUpstreams.class).get("users");
				assertThat(usersGroup.hashKey()).hasToString("header:x-user");
				LoadBalancer orders = context.getBean(PingoraUpstreams.class).get("orders").loadBalancer();
				assertThat(orders.selection().name()).isEqualTo("least-request");
				assertThat(orders.healthCheck()).isNull();
				assertThat(orders.passiveHealthCheck()).isNull();
				assertThat(context.getBean(PingoraUpstreams.class).get("orders").hashKey()).isNull();
			});
	}

	@Test
	void keyBasedSelectionsHashTheUriByDefault() {
		this.runner
			.withPropertyValues("pingora.upstreams.api.backends[0].address=10.0.0.1:80",
					"pingora.upstreams.api.selection=hash")
			.run((context) -> assertThat(context.getBean(PingoraUpstreams.class).get("api").hashKey())
				.hasToString("uri"));
	}

	@Test
	void invalidLoadBalancingSettingsFailTheStartWithTheirName() {
		assertFailure("pingora.upstreams.api.selection=fastest", "pingora.upstreams.api.selection", "least-request");
		assertFailure("pingora.upstreams.api.hash-key=header:x-user", "pingora.upstreams.api.hash-key",
				"selection=consistent");
		assertFailure("pingora.upstreams.api.selection=consistent,pingora.upstreams.api.hash-key=body",
				"pingora.upstreams.api.hash-key", "header:<name>");
		assertFailure("pingora.upstreams.api.health-check.type=grpc", "pingora.upstreams.api.health-check.type",
				"tcp or http");
		assertFailure(
				"pingora.upstreams.api.health-check.type=http,pingora.upstreams.api.health-check.expected-status=ok",
				"pingora.upstreams.api.health-check.expected-status", "2xx");
		assertFailure("pingora.upstreams.api.health-check.type=tcp,pingora.upstreams.api.health-check.interval=0s",
				"pingora.upstreams.api.health-check.interval", "expected: > 0");
		assertFailure(
				"pingora.upstreams.api.health-check.type=tcp,pingora.upstreams.api.health-check.unhealthy-threshold=0",
				"pingora.upstreams.api.health-check.unhealthy-threshold", "expected: >= 1");
		assertFailure("pingora.upstreams.api.passive-health-check.consecutive-failures=-1",
				"pingora.upstreams.api.passive-health-check.consecutive-failures", "0 to turn");
		assertFailure("pingora.upstreams.api.discovery=dns", "pingora.upstreams.api.discovery", "spring-cloud");
		assertFailure("pingora.upstreams.api.discovery=spring-cloud", "pingora.upstreams.api.backends",
				"remove pingora.upstreams.api.backends");
	}

	@Test
	void springCloudDiscoveryWithoutSpringCloudIsExplained() {
		this.runner.withClassLoader(new FilteredClassLoader(ReactiveDiscoveryClient.class))
			.withPropertyValues("pingora.upstreams.users.discovery=spring-cloud")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pingora.upstreams.users.discovery")
				.hasMessageContaining("spring-cloud-commons"));
		this.runner.withPropertyValues("pingora.upstreams.users.discovery=spring-cloud")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.upstreams.users.discovery")
				.hasMessageContaining("no ReactiveDiscoveryClient bean"));
	}

	@Test
	void springCloudDiscoveryFindsAndFollowsTheInstancesOfTheService() {
		try (TestOrigin first = TestOrigin.hello("first"); TestOrigin second = TestOrigin.hello("second")) {
			this.runner
				.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
						SimpleReactiveDiscoveryClientAutoConfiguration.class,
						ReactiveCompositeDiscoveryClientAutoConfiguration.class))
				.withPropertyValues(
						"spring.cloud.discovery.client.simple.instances.user-service[0].uri=http://127.0.0.1:"
								+ first.port(),
						"spring.cloud.discovery.client.simple.instances.user-service[0].metadata.weight=4",
						"pingora.upstreams.users.discovery=spring-cloud",
						"pingora.upstreams.users.service-id=user-service",
						"pingora.upstreams.users.discovery-interval=100ms", "pingora.routes[0].upstream=users")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					LoadBalancer users = context.getBean("pingoraLoadBalancer.users", LoadBalancer.class);
					// The server ran the first discovery before it started listening.
					assertThat(users.backends().list())
						.containsExactly(Backend.of("127.0.0.1", first.port()).withWeight(4));
					int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
					try (RawHttpClient client = new RawHttpClient(port)) {
						assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("first");
					}
					InstanceProperties moved = new InstanceProperties();
					moved.setServiceId("user-service");
					moved.setUri(URI.create("http://127.0.0.1:" + second.port()));
					List<InstanceProperties> instances = context.getBean(SimpleReactiveDiscoveryProperties.class)
						.getInstances("user-service");
					instances.set(0, moved);
					await().atMost(Duration.ofSeconds(5))
						.until(() -> users.backends().list().equals(List.of(Backend.of("127.0.0.1", second.port()))));
					try (RawHttpClient client = new RawHttpClient(port)) {
						assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("second");
					}
				});
		}
	}

	@Test
	void anInstanceWithoutAUsablePortIsSkippedNotTheWholeDiscovery() {
		ReactiveDiscoveryClient client = new ReactiveDiscoveryClient() {

			@Override
			public String description() {
				return "test";
			}

			@Override
			public Flux<ServiceInstance> getInstances(String serviceId) {
				return Flux.just(new DefaultServiceInstance("a", serviceId, "10.0.0.1", 8080, false),
						new DefaultServiceInstance("b", serviceId, "10.0.0.2", -1, false),
						new DefaultServiceInstance("c", serviceId, "10.0.0.3", 8080, false, Map.of("weight", "x")));
			}

			@Override
			public Flux<String> getServices() {
				return Flux.just("users");
			}

		};
		Collection<Backend> backends = new ReactiveDiscoveryClientServiceDiscovery(client, "users").discover().block();
		assertThat(backends).containsExactly(Backend.parse("10.0.0.1:8080"), Backend.parse("10.0.0.3:8080"));
	}

	@Test
	void theServerRunsTheHealthChecks() {
		try (TestOrigin live = TestOrigin.hello("live")) {
			int dead = Ports.refused();
			this.runner.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:" + dead,
					"pingora.upstreams.api.backends[1].address=127.0.0.1:" + live.port(),
					"pingora.upstreams.api.health-check.type=tcp", "pingora.upstreams.api.health-check.interval=100ms",
					"pingora.upstreams.api.health-check.unhealthy-threshold=1", "pingora.routes[0].upstream=api")
				.run((context) -> {
					LoadBalancer api = context.getBean(PingoraUpstreams.class).get("api").loadBalancer();
					assertThat(api.isReady(Backend.of("127.0.0.1", dead))).isFalse();
					assertThat(api.isReady(Backend.of("127.0.0.1", live.port()))).isTrue();
					int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
					try (RawHttpClient client = new RawHttpClient(port)) {
						for (int i = 0; i < 4; i++) {
							assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("live");
						}
					}
					assertThat(api.backends().state(Backend.of("127.0.0.1", dead)).requests()).isZero();
				});
		}
	}

	private void assertFailure(String properties, String property, String fix) {
		List<String> values = new java.util.ArrayList<>(List.of(properties.split(",")));
		if (values.stream().noneMatch((value) -> value.startsWith("pingora.upstreams.api.backends"))) {
			values.add("pingora.upstreams.api.backends[0].address=10.0.0.1:80");
		}
		this.runner.withPropertyValues(values.toArray(new String[0]))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property)
				.hasMessageContaining(fix));
	}

	@Configuration(proxyBeanMethods = false)
	static class UsesTheUsersUpstream {

		final LoadBalancer users;

		UsesTheUsersUpstream(@Qualifier("users") LoadBalancer users) {
			this.users = users;
		}

	}

}
