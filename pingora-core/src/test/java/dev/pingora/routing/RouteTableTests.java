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

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pingora.http.RequestHeader;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RouteTable}.
 */
class RouteTableTests {

	private final RouteTable table = RouteTable.of(List.of(
			Route.builder("api-v1", "v1").host("api.example.com").pathPrefix("/v1/").build(),
			Route.builder("api-admin", "admin")
				.host("api.example.com")
				.pathPrefix("/v1/admin")
				.methods(Set.of(HttpMethod.POST))
				.build(),
			Route.builder("api-any", "fallback").host("api.example.com").build(),
			Route.builder("tenants", "tenants").host("*.tenants.example.com").pathPrefix("/app").build(),
			Route.builder("canary", "canary").pathPrefix("/shop").header("x-canary", "1").build(),
			Route.builder("shop", "shop").pathPrefix("/shop").build(), Route.builder("default", "default").build()));

	@Test
	void theLongestPrefixOfTheMostSpecificHostWins() {
		assertThat(route("api.example.com", "GET", "/v1/users")).isEqualTo("api-v1");
		assertThat(route("API.example.com:8443", "GET", "/v1")).isEqualTo("api-v1");
		assertThat(route("api.example.com", "POST", "/v1/admin/x?y=1")).isEqualTo("api-admin");
		assertThat(route("api.example.com", "GET", "/v1/admin/x")).isEqualTo("api-v1");
		assertThat(route("api.example.com", "GET", "/v2")).isEqualTo("api-any");
		assertThat(route("other.example.com", "GET", "/v1/users")).isEqualTo("default");
	}

	@Test
	void prefixesMatchWholeSegments() {
		assertThat(route("x", "GET", "/shop")).isEqualTo("shop");
		assertThat(route("x", "GET", "/shop/cart")).isEqualTo("shop");
		assertThat(route("x", "GET", "/shopping")).isEqualTo("default");
	}

	@Test
	void wildcardHostsMatchAnySubdomain() {
		assertThat(route("a.tenants.example.com", "GET", "/app/1")).isEqualTo("tenants");
		assertThat(route("a.b.tenants.example.com", "GET", "/app")).isEqualTo("tenants");
		assertThat(route("tenants.example.com", "GET", "/app")).isEqualTo("default");
		assertThat(route("a.tenants.example.com", "GET", "/other")).isEqualTo("default");
	}

	@Test
	void headerPredicatesAreTriedInDeclarationOrder() {
		RequestHeader canary = request("x", "GET", "/shop/item");
		canary.setHeader("X-Canary", "1");
		assertThat(this.table.match(canary).id()).isEqualTo("canary");
		assertThat(route("x", "GET", "/shop/item")).isEqualTo("shop");
	}

	@Test
	void noRouteMatchesWithoutACatchAll() {
		RouteTable narrow = RouteTable.of(List.of(Route.builder("only", "u").pathPrefix("/only").build()));
		assertThat(narrow.match(request("x", "GET", "/other"))).isNull();
		assertThat(narrow.match(request(null, "GET", "/only/x")).id()).isEqualTo("only");
	}

	@Test
	void tenThousandRoutesAreFoundByIndexNotByScan() {
		List<Route> routes = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			routes.add(Route.builder("r" + i, "u").host("h" + (i % 100) + ".example.com").pathPrefix("/p" + i).build());
		}
		RouteTable big = RouteTable.of(routes);
		assertThat(big.match(request("h42.example.com", "GET", "/p9942/x")).id()).isEqualTo("r9942");
		assertThat(big.match(request("h42.example.com", "GET", "/p9943/x"))).isNull();
	}

	@Test
	void stripPrefixKeepsTheRestOfTheTarget() {
		Route route = Route.builder("r", "u").pathPrefix("/api/").stripPrefix(true).build();
		assertThat(route.upstreamUri("/api/users?x=1")).isEqualTo("/users?x=1");
		assertThat(route.upstreamUri("/api")).isEqualTo("/");
		assertThat(route.upstreamUri("/api?x=1")).isEqualTo("/?x=1");
	}

	@Test
	void badRoutesAreRejectedWithTheExpectation() {
		assertThatIllegalArgumentException().isThrownBy(() -> Route.builder("r", "u").pathPrefix("api"))
			.withMessage("pathPrefix: 'api' (expected: a path starting with /)");
		assertThatIllegalArgumentException().isThrownBy(() -> Route.builder("r", "u").host("a.*.com"))
			.withMessageContaining("expected: a host name, or *.suffix");
	}

	private String route(@Nullable String host, String method, String uri) {
		Route route = this.table.match(request(host, method, uri));
		return (route != null) ? route.id() : "none";
	}

	private static RequestHeader request(@Nullable String host, String method, String uri) {
		RequestHeader request = RequestHeader.of(HttpMethod.valueOf(method), uri);
		if (host != null) {
			request.setHeader("Host", host);
		}
		return request;
	}

}
