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

package dev.pingora.routing;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.MemoryStorage;
import dev.pingora.lb.Backend;
import dev.pingora.lb.selection.BackendSelection;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.server.Server;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.PeerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoutingProxy} on a real gateway.
 */
class RoutingProxyTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void routesStripPrefixesEditHeadersAndAnswer404WhenNothingMatches() {
		TestOrigin api = this.resources
			.add(TestOrigin.start((request, response) -> response.header("x-internal", "secret")
				.sendString(Mono.just("api " + request.uri() + " " + request.requestHeaders().get("x-route")))));
		TestOrigin web = this.resources.add(TestOrigin.hello("web"));
		Route apiRoute = Route.builder("api", "api")
			.pathPrefix("/api")
			.stripPrefix(true)
			.addRequestHeaders(Map.of("x-route", "api"))
			.removeRequestHeaders(List.of("cookie"))
			.removeResponseHeaders(List.of("x-internal"))
			.addResponseHeaders(Map.of("x-gateway", "pingora"))
			.build();
		Route webRoute = Route.builder("web", "web").host("www.example.com").build();
		RoutingProxy proxy = new RoutingProxy(RouteTable.of(List.of(apiRoute, webRoute)),
				Map.of("api", upstream("api", api.port()), "web", upstream("web", web.port())));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			RawHttpClient.Response response = client
				.exchange("GET /api/users?page=2 HTTP/1.1\r\nHost: a\r\nCookie: s=1\r\n\r\n");
			assertThat(response.text()).isEqualTo("api /users?page=2 api");
			assertThat(response.header("x-gateway")).isEqualTo("pingora");
			assertThat(response.headers()).doesNotContainKey("x-internal");
			assertThat(api.lastRequest().headers().contains("cookie")).isFalse();

			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n").text()).isEqualTo("web");
			RawHttpClient.Response missing = client.exchange("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(missing.status()).isEqualTo(404);
			assertThat(missing.text()).isEqualTo("no route\n");
			// The 404 kept the connection.
			assertThat(client.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
		}
	}

	@Test
	void aBackendThatRefusesConnectionsIsSkippedAndTheOtherServes() {
		TestOrigin live = this.resources.add(TestOrigin.hello("live"));
		LoadBalancer balancer = LoadBalancer.of(
				List.of(Backend.of("127.0.0.1", Ports.refused()), Backend.of("127.0.0.1", live.port())),
				BackendSelection.roundRobin());
		UpstreamGroup group = UpstreamGroup.of("pair", balancer, false, "", PeerOptions.defaults(), 1);
		RoutingProxy proxy = new RoutingProxy(RouteTable.of(List.of(Route.builder("all", "pair").build())),
				Map.of("pair", group));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			for (int i = 0; i < 6; i++) {
				assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("live");
			}
		}
		assertThat(live.requests()).hasSize(6);
	}

	@Test
	void routesUseTheCacheAsConfiguredAndPurgeOnlyFromAllowedAddresses() throws Exception {
		TestOrigin origin = this.resources
			.add(TestOrigin.start((request, response) -> response.header("Cache-Control", "max-age=60")
				.sendString(Mono.just(request.method() + " " + request.uri()))));
		CacheConfig cache = CacheConfig.builder(new MemoryStorage(1024 * 1024, 64 * 1024))
			.statusHeader("X-Cache")
			.build();
		Route cached = Route.builder("cached", "web").pathPrefix("/cached").build();
		Route live = Route.builder("live", "web").pathPrefix("/live").cache(false).build();
		Map<String, UpstreamGroup> upstreams = Map.of("web", upstream("web", origin.port()));
		// Purging is on, but only from an address the test client does not have.
		RoutingProxy proxy = new RoutingProxy(RouteTable.of(List.of(cached, live)), upstreams,
				new RoutingProxy.Caching(cache, true, true, Set.of(InetAddress.getByName("10.0.0.1"))));
		Server gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			assertThat(client.exchange("GET /cached/a HTTP/1.1\r\nHost: a\r\n\r\n").header("X-Cache"))
				.isEqualTo("miss");
			assertThat(client.exchange("GET /cached/a HTTP/1.1\r\nHost: a\r\n\r\n").header("X-Cache")).isEqualTo("hit");
			assertThat(client.exchange("GET /live/b HTTP/1.1\r\nHost: a\r\n\r\n").header("X-Cache")).isNull();
			// Not from an allowed address: refused, and the stored response stays.
			RawHttpClient.Response purge = client.exchange("PURGE /cached/a HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(purge.status()).isEqualTo(403);
			assertThat(client.exchange("GET /cached/a HTTP/1.1\r\nHost: a\r\n\r\n").header("X-Cache")).isEqualTo("hit");
		}
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void routesMustNameAKnownUpstream() {
		RouteTable table = RouteTable.of(List.of(Route.builder("r", "missing").build()));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new RoutingProxy(table, Map.of("present", upstream("present", 1))))
			.withMessageContaining("route r: upstream 'missing' is not defined");
	}

	private static UpstreamGroup upstream(String name, int port) {
		return UpstreamGroup.of(name,
				LoadBalancer.of(List.of(Backend.of("127.0.0.1", port)), BackendSelection.roundRobin()), false, "",
				PeerOptions.defaults(), 0);
	}

}
