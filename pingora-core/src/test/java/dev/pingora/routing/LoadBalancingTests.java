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

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.lb.Backend;
import dev.pingora.lb.BackendState;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.PassiveHealthCheck;
import dev.pingora.lb.health.HttpHealthCheck;
import dev.pingora.lb.selection.BackendSelection;
import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.Session;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import dev.pingora.test.Ports;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Load balancing through the routing proxy on a real gateway: failover, passive ejection,
 * key-based routing, discovery updates under traffic.
 */
class LoadBalancingTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void failoverUnderADeadBackendLosesNoRequest() throws Exception {
		TestOrigin one = this.resources.add(TestOrigin.hello("one"));
		TestOrigin two = this.resources.add(TestOrigin.hello("two"));
		Backend dead = Backend.of("127.0.0.1", Ports.refused());
		LoadBalancer balancer = LoadBalancer.builder()
			.name("pool")
			.backends(List.of(dead, Backend.of("127.0.0.1", one.port()), Backend.of("127.0.0.1", two.port())))
			.passiveHealthCheck(new PassiveHealthCheck(3, Duration.ofMinutes(1)))
			.build();
		Server gateway = gateway(UpstreamGroup.builder("pool", balancer).retries(2).build());
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int c = 0; c < 4; c++) {
				results.add(clients.submit(() -> {
					int ok = 0;
					try (RawHttpClient client = new RawHttpClient(gateway.port())) {
						for (int i = 0; i < 100; i++) {
							RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
							if (response.status() == 200 && response.text().matches("one|two")) {
								ok++;
							}
						}
					}
					return ok;
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get()).isEqualTo(100);
			}
		}
		finally {
			clients.shutdownNow();
		}
		assertThat(one.requests().size() + two.requests().size()).isEqualTo(400);
		BackendState deadState = balancer.backends().state(dead);
		assertThat(deadState.ejections()).isEqualTo(1);
		// Three failures eject it; requests already choosing it at that moment add a few.
		assertThat(deadState.failures()).isBetween(3L, 3L + 4);
		assertThat(balancer.isReady(dead)).isFalse();
		await().until(() -> balancer.backends().states().stream().allMatch((state) -> state.inflight() == 0));
		assertThat(balancer.backends().states().stream().mapToLong(BackendState::requests).sum())
			.isEqualTo(400 + deadState.failures());
	}

	@Test
	void anUpstreamWithoutAReadyBackendAnswers503() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("never"));
		Backend backend = Backend.of("127.0.0.1", origin.port());
		LoadBalancer balancer = LoadBalancer.of(List.of(backend), BackendSelection.roundRobin());
		balancer.setEnabled(backend, false);
		Server gateway = gateway(UpstreamGroup.builder("drained", balancer).build());
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(response.status()).isEqualTo(503);
			assertThat(response.header("cache-control")).isEqualTo("private, no-store");
		}
		balancer.setEnabled(backend, true);
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("never");
		}
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void consistentHashingSendsEachUserToOneBackend() {
		List<TestOrigin> origins = new ArrayList<>();
		List<Backend> backends = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			TestOrigin origin = this.resources.add(TestOrigin.hello("origin-" + i));
			origins.add(origin);
			backends.add(Backend.of("127.0.0.1", origin.port()));
		}
		LoadBalancer balancer = LoadBalancer.of(backends, BackendSelection.consistent());
		Server gateway = gateway(
				UpstreamGroup.builder("users", balancer).hashKey(HashKey.parse("header:x-user")).build());
		Map<String, String> servedBy = new HashMap<>();
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			for (int round = 0; round < 3; round++) {
				for (int user = 0; user < 30; user++) {
					String text = client
						.exchange("GET /profile HTTP/1.1\r\nHost: a\r\nx-user: user-" + user + "\r\n\r\n")
						.text();
					String previous = servedBy.putIfAbsent("user-" + user, text);
					assertThat(previous).as("user-%d", user).isIn(null, text);
				}
			}
		}
		for (int user = 0; user < 30; user++) {
			Backend expected = balancer.select(("user-" + user).getBytes());
			assertThat(servedBy.get("user-" + user)).isEqualTo("origin-" + backends.indexOf(expected));
		}
		assertThat(servedBy.values()).as("30 users spread over the 3 backends")
			.contains("origin-0", "origin-1", "origin-2");
	}

	@Test
	void aDiscoveryUpdateDoesNotDropTheRequestsInProgress() {
		TestOrigin slow = this.resources.add(TestOrigin
			.start((request, response) -> response.sendString(Mono.just("slow").delayElement(Duration.ofMillis(500)))));
		TestOrigin fast = this.resources.add(TestOrigin.hello("fast"));
		Backend slowBackend = Backend.of("127.0.0.1", slow.port());
		Backend fastBackend = Backend.of("127.0.0.1", fast.port());
		AtomicReference<Collection<Backend>> found = new AtomicReference<>(List.of(slowBackend));
		LoadBalancer balancer = LoadBalancer.builder()
			.discovery(() -> Mono.just(found.get()))
			.updateInterval(Duration.ofMillis(50))
			.build();
		Server gateway = gateway(UpstreamGroup.builder("moving", balancer).build());
		try (RawHttpClient inFlight = new RawHttpClient(gateway.port());
				RawHttpClient next = new RawHttpClient(gateway.port())) {
			inFlight.send("GET /long HTTP/1.1\r\nHost: a\r\n\r\n");
			await().until(() -> slow.requests().size() == 1);
			found.set(List.of(fastBackend));
			await().until(() -> balancer.backends().list().equals(List.of(fastBackend)));
			assertThat(next.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("fast");
			RawHttpClient.Response response = inFlight.read(false);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("slow");
		}
	}

	@Test
	void anAttemptRetriedAfterABackendFaultCountsAsItsFailureAndIsNotRetriedOnIt() {
		TestOrigin silent = this.resources.add(TestOrigin.start((request, response) -> Mono.never()));
		TestOrigin live = this.resources.add(TestOrigin.hello("live"));
		Backend silentBackend = Backend.of("127.0.0.1", silent.port());
		LoadBalancer balancer = LoadBalancer.builder()
			.backends(List.of(silentBackend, Backend.of("127.0.0.1", live.port())))
			.selection(BackendSelection.fnvHash())
			.build();
		PeerOptions options = PeerOptions.defaults().withReadTimeout(Duration.ofMillis(200));
		UpstreamGroup upstream = UpstreamGroup.builder("pair", balancer)
			.peers(UpstreamGroup.peers(false, "", options))
			.hashKey(HashKey.URI)
			.retries(1)
			.build();
		// Users retry idempotent requests after a read timeout with a filter like this
		// one.
		ProxyFilter retryTimeouts = new ProxyFilter() {

			@Override
			public ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, boolean clientReused) {
				return (error.type() == ErrorType.READ_TIMEDOUT) ? error.setRetry(true) : error;
			}

		};
		RoutingProxy routing = new RoutingProxy(RouteTable.of(List.of(Route.builder("all", "pair").build())),
				Map.of("pair", upstream));
		Server gateway = this.resources.gateway(FilteredProxyHttp.of(routing, List.of(retryTimeouts)));
		// A key that FNV sends to the silent backend first.
		String key = null;
		for (int i = 0; key == null; i++) {
			if (silentBackend.equals(balancer.select(("/k" + i).getBytes()))) {
				key = "/k" + i;
			}
		}
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			assertThat(client.exchange("GET " + key + " HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("live");
		}
		assertThat(silent.requests()).hasSize(1);
		BackendState silentState = balancer.backends().state(silentBackend);
		assertThat(silentState.failures()).isEqualTo(1);
		await().until(() -> balancer.backends().states().stream().allMatch((state) -> state.inflight() == 0));
	}

	@Test
	void aStalePooledConnectionIsNeitherASuccessNorAFailureOfTheBackend() {
		RawOrigin origin = this.resources.add(RawOrigin.start(LoadBalancingTests::answerOncePerConnection));
		Backend backend = Backend.of("127.0.0.1", origin.port());
		LoadBalancer balancer = LoadBalancer.of(List.of(backend), BackendSelection.roundRobin());
		Server gateway = gateway(UpstreamGroup.builder("one", balancer).build());
		try (RawHttpClient client = new RawHttpClient(gateway.port())) {
			balancer.finished(balancer.started(backend), true);
			assertThat(client.exchange("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			// The second request meets the pooled connection the origin closed, and is
			// retried on a fresh one.
			assertThat(client.exchange("GET /second HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
		}
		assertThat(origin.connections()).isEqualTo(2);
		BackendState state = balancer.backends().state(backend);
		assertThat(state.failures()).as("the stale connection is not the backend's failure").isEqualTo(1);
		assertThat(state.requests()).isEqualTo(4);
		await().until(() -> state.inflight() == 0);
	}

	private static void answerOncePerConnection(Socket socket, int connection) throws IOException {
		BufferedReader reader = RawOrigin.reader(socket);
		if (RawOrigin.readHead(reader) != null) {
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		}
		// Read the next request head, then close without answering: a stale pooled
		// connection, as when a backend's keep-alive timer fires.
		RawOrigin.readHead(reader);
	}

	@Test
	void theDocumentedEmbeddedSetupServesAndChecksItsBackends() {
		TestOrigin origin = this.resources.add(TestOrigin.start((request, response) -> response
			.sendString(Mono.just(request.uri() + " for " + request.requestHeaders().get("x-user")))));
		int port = origin.port();
		int deadPort = Ports.refused();
		// tag::embedded[]
		LoadBalancer users = LoadBalancer.builder()
			.name("users")
			.backends(List.of(Backend.of("127.0.0.1", port), Backend.of("127.0.0.1", deadPort)))
			.selection(BackendSelection.consistent())
			.healthCheck(HttpHealthCheck.builder().path("/health").build(), Duration.ofSeconds(5))
			.passiveHealthCheck(new PassiveHealthCheck(5, Duration.ofSeconds(30)))
			.build();
		UpstreamGroup upstream = UpstreamGroup.builder("users", users)
			.hashKey(HashKey.parse("header:x-user"))
			.retries(2)
			.build();
		RoutingProxy proxy = new RoutingProxy(RouteTable.of(List.of(Route.builder("all", "users").build())),
				Map.of("users", upstream));
		Server server = Server.builder()
			.listen(Listener.tcp("127.0.0.1", 0))
			.proxy(proxy)
			.backgroundService(users) // checked before listening
			.build()
			.start();
		// end::embedded[]
		this.resources.add(() -> server.shutdown(Duration.ZERO));
		assertThat(users.isReady(Backend.of("127.0.0.1", deadPort))).isFalse();
		assertThat(origin.requests()).extracting(TestOrigin.Recorded::uri).containsExactly("/health");
		try (RawHttpClient client = new RawHttpClient(server.port())) {
			for (int user = 0; user < 10; user++) {
				assertThat(client.exchange("GET /profile HTTP/1.1\r\nHost: a\r\nx-user: " + user + "\r\n\r\n").text())
					.isEqualTo("/profile for " + user);
			}
		}
		assertThat(users.backends().state(Backend.of("127.0.0.1", deadPort)).requests()).isZero();
	}

	private Server gateway(UpstreamGroup upstream) {
		RoutingProxy proxy = new RoutingProxy(RouteTable.of(List.of(Route.builder("all", upstream.name()).build())),
				Map.of(upstream.name(), upstream));
		Server server = Server.builder()
			.conf(ServerConf.builder().threads(2).build())
			.listen(Listener.tcp("127.0.0.1", 0))
			.proxy(proxy)
			.backgroundService(upstream.loadBalancer())
			.build()
			.start();
		this.resources.add(() -> server.shutdown(Duration.ZERO));
		return server;
	}

}
