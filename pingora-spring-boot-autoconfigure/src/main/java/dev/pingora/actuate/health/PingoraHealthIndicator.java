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

package dev.pingora.actuate.health;

import dev.pingora.routing.RoutingProxy;
import dev.pingora.server.Server;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * The {@code pingora} health component: up while the proxy listens, with its bound
 * addresses and the number of upstreams and routes it knows.
 *
 * @since 0.1.0
 */
public class PingoraHealthIndicator implements ReactiveHealthIndicator {

	private final Server server;

	private final @Nullable RoutingProxy routing;

	/**
	 * Create the indicator.
	 * @param server the proxy server
	 * @param routing the routing proxy, or {@code null} when the application has its own
	 * {@code ProxyHttp}
	 */
	public PingoraHealthIndicator(Server server, @Nullable RoutingProxy routing) {
		this.server = server;
		this.routing = routing;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> {
			Health.Builder builder = this.server.isRunning() ? Health.up() : Health.down();
			builder.withDetail("listening", this.server.isRunning()
					? this.server.boundAddresses().stream().map(String::valueOf).toList() : java.util.List.of());
			builder.withDetail("inflight", this.server.inflight());
			if (this.routing != null) {
				builder.withDetail("upstreams", this.routing.upstreams().size())
					.withDetail("routes", this.routing.routes().routes().size());
			}
			return builder.build();
		});
	}

}
