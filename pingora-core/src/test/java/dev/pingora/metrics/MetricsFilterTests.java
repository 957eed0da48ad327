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

package dev.pingora.metrics;

import java.util.List;
import java.util.Map;

import dev.pingora.lb.Backend;
import dev.pingora.lb.selection.BackendSelection;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.routing.Route;
import dev.pingora.routing.RouteTable;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.server.Server;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.PeerOptions;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MetricsFilter}.
 */
class MetricsFilterTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void requestsAreTimedByRouteUpstreamMethodAndStatusClass() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("measured"));
		UpstreamGroup upstream = UpstreamGroup.of("backend",
				LoadBalancer.of(List.of(Backend.of("127.0.0.1", origin.port())), BackendSelection.roundRobin()), false,
				"", PeerOptions.defaults(), 0);
		RoutingProxy routing = new RoutingProxy(
				RouteTable.of(List.of(Route.builder("main", "backend").pathPrefix("/app").build())),
				Map.of("backend", upstream));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		Server gateway = this.resources.gateway(FilteredProxyHttp.of(routing, List.of(new MetricsFilter(registry))));
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			client.exchange("GET /app HTTP/1.1\r\nHost: a\r\n\r\n");
			client.exchange("GET /app HTTP/1.1\r\nHost: a\r\n\r\n");
			client.exchange("BREW /app HTTP/1.1\r\nHost: a\r\n\r\n");
			client.exchange("GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n");
		}
		await().until(() -> count(registry, "main", "backend", "GET", "2xx") == 2);
		assertThat(count(registry, "main", "backend", "OTHER", "2xx")).isEqualTo(1);
		assertThat(count(registry, "none", "none", "GET", "4xx")).isEqualTo(1);
		assertThat(registry.get(PingoraMeters.UPSTREAM_CONNECT.meterName()).tag("upstream", "backend").timer().count())
			.isEqualTo(1);
		assertThat(
				registry.get(PingoraMeters.UPSTREAM_FIRST_BYTE.meterName()).tag("upstream", "backend").timer().count())
			.isEqualTo(3);
	}

	private static long count(SimpleMeterRegistry registry, String route, String upstream, String method,
			String status) {
		Timer timer = registry.find(PingoraMeters.REQUESTS.meterName())
			.tags("route", route, "upstream", upstream, "method", method, "status", status)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
