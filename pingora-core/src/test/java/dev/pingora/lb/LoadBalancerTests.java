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

package dev.pingora.lb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.pingora.lb.health.HealthCheck;
import dev.pingora.lb.selection.BackendSelection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LoadBalancer}: readiness, discovery updates, active and passive
 * health.
 */
class LoadBalancerTests {

	private static final Backend A = Backend.parse("10.0.0.1:80");

	private static final Backend B = Backend.parse("10.0.0.2:80");

	private static final Backend C = Backend.parse("10.0.0.3:80");

	@Test
	void selectSkipsDisabledBackends() {
		LoadBalancer balancer = LoadBalancer.of(List.of(A, B), BackendSelection.roundRobin());
		assertThat(balancer.setEnabled(A, false)).isTrue();
		for (int i = 0; i < 10; i++) {
			assertThat(balancer.select(null)).isEqualTo(B);
		}
		balancer.setEnabled(B, false);
		assertThat(balancer.select(null)).isNull();
		assertThat(balancer.setEnabled(C, false)).isFalse();
	}

	@Test
	void selectWithOffersEachDistinctCandidateOnceWithinMaxIterations() {
		LoadBalancer balancer = LoadBalancer.of(List.of(A, B, C), BackendSelection.fnvHash());
		List<Backend> offered = new ArrayList<>();
		Backend picked = balancer.selectWith("key".getBytes(), 256, (candidate, ready) -> {
			offered.add(candidate);
			return false;
		});
		assertThat(picked).isNull();
		assertThat(offered).containsExactlyInAnyOrder(A, B, C);
		List<Backend> bounded = new ArrayList<>();
		balancer.selectWith("key".getBytes(), 1, (candidate, ready) -> bounded.add(candidate) && false);
		assertThat(bounded).hasSize(1);
		assertThat(balancer.selectWith(null, 256, (candidate, ready) -> candidate.equals(C))).isEqualTo(C);
	}

	@Test
	void discoveryUpdatesKeepTheStateOfBackendsThatStay() {
		AtomicReference<Collection<Backend>> found = new AtomicReference<>(List.of(A, B));
		LoadBalancer balancer = LoadBalancer.builder()
			.discovery(() -> Mono.just(found.get()))
			.selection(BackendSelection.roundRobin())
			.build();
		assertThat(balancer.backends().isEmpty()).isTrue();
		assertThat(balancer.select(null)).isNull();
		List<Backends> seen = new ArrayList<>();
		balancer.onUpdate(seen::add);
		balancer.update().block();
		assertThat(balancer.backends().list()).containsExactly(A, B);
		BackendState stateOfB = balancer.backends().state(B);
		balancer.setEnabled(A, false);
		found.set(List.of(C, B, A));
		balancer.update().block();
		assertThat(balancer.backends().list()).containsExactly(A, B, C);
		assertThat(balancer.backends().state(B)).isSameAs(stateOfB);
		assertThat(balancer.isReady(A)).isFalse();
		assertThat(balancer.isReady(C)).isTrue();
		Backends unchanged = balancer.backends();
		balancer.update().block();
		assertThat(balancer.backends()).isSameAs(unchanged);
		found.set(List.of(C));
		balancer.update().block();
		assertThat(balancer.select(null)).isEqualTo(C);
		assertThat(seen).hasSize(3);
	}

	@Test
	void aFailingDiscoveryKeepsTheBackendsAtStart() {
		AtomicReference<Collection<Backend>> found = new AtomicReference<>(List.of(A));
		LoadBalancer balancer = LoadBalancer.builder().discovery(() -> {
			Collection<Backend> backends = found.get();
			return (backends != null) ? Mono.just(backends) : Mono.error(new IllegalStateException("registry down"));
		}).build();
		balancer.update().block();
		found.set(null);
		balancer.start().block(Duration.ofSeconds(5));
		balancer.stop();
		assertThat(balancer.backends().list()).containsExactly(A);
	}

	@Test
	void activeChecksFlipHealthAfterTheirThresholds() {
		Set<Backend> down = ConcurrentHashMap.newKeySet();
		List<String> changes = new ArrayList<>();
		HealthCheck check = new HealthCheck() {

			@Override
			public Mono<Void> check(Backend backend) {
				return down.contains(backend) ? Mono.error(new IllegalStateException("down")) : Mono.empty();
			}

			@Override
			public int threshold(boolean success) {
				return success ? 2 : 3;
			}

			@Override
			public void statusChanged(Backend backend, boolean healthy) {
				changes.add(backend.host() + (healthy ? " up" : " down"));
			}

		};
		LoadBalancer balancer = LoadBalancer.builder().backends(List.of(A, B)).healthCheck(check, null).build();
		down.add(A);
		balancer.runHealthChecks().block();
		balancer.runHealthChecks().block();
		assertThat(balancer.isReady(A)).isTrue();
		balancer.runHealthChecks().block();
		assertThat(balancer.isReady(A)).isFalse();
		assertThat(balancer.backends().state(A).isHealthy()).isFalse();
		for (int i = 0; i < 5; i++) {
			assertThat(balancer.select(null)).isEqualTo(B);
		}
		down.remove(A);
		balancer.runHealthChecks().block();
		assertThat(balancer.isReady(A)).isFalse();
		balancer.runHealthChecks().block();
		assertThat(balancer.isReady(A)).isTrue();
		assertThat(changes).containsExactly("10.0.0.1 down", "10.0.0.1 up");
		assertThat(balancer.isReady(C)).as("unknown backend with a health check").isFalse();
	}

	@Test
	void aResultAgreeingWithTheStateResetsTheCount() {
		AtomicReference<Boolean> healthy = new AtomicReference<>(true);
		HealthCheck check = new HealthCheck() {

			@Override
			public Mono<Void> check(Backend backend) {
				return healthy.get() ? Mono.empty() : Mono.error(new IllegalStateException("down"));
			}

			@Override
			public int threshold(boolean success) {
				return 2;
			}

		};
		LoadBalancer balancer = LoadBalancer.builder().backends(List.of(A)).healthCheck(check, null).build();
		for (boolean result : new boolean[] { false, true, false, true, false }) {
			healthy.set(result);
			balancer.runHealthChecks().block();
		}
		assertThat(balancer.isReady(A)).isTrue();
	}

	@Test
	void passiveChecksEjectABackendForTheCoolDownThenTakeItBack() {
		AtomicLong now = new AtomicLong(1_000);
		LoadBalancer balancer = LoadBalancer.builder()
			.backends(List.of(A, B))
			.passiveHealthCheck(new PassiveHealthCheck(3, Duration.ofSeconds(10)))
			.ticker(now::get)
			.build();
		fail(balancer, A, 2);
		succeed(balancer, A);
		fail(balancer, A, 2);
		assertThat(balancer.isReady(A)).as("a success resets the count").isTrue();
		fail(balancer, A, 1);
		assertThat(balancer.isReady(A)).isFalse();
		assertThat(balancer.backends().state(A).ejections()).isEqualTo(1);
		assertThat(balancer.backends().state(A).failures()).isEqualTo(5);
		Set<Backend> picked = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			picked.add(balancer.select(null));
		}
		assertThat(picked).containsExactly(B);
		now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
		assertThat(balancer.isReady(A)).isFalse();
		now.incrementAndGet();
		assertThat(balancer.isReady(A)).isTrue();
	}

	@Test
	void passiveChecksNeverEjectTheLastReadyBackend() {
		LoadBalancer balancer = LoadBalancer.builder()
			.backends(List.of(A, B))
			.passiveHealthCheck(new PassiveHealthCheck(1, Duration.ofSeconds(10)))
			.build();
		fail(balancer, A, 1);
		fail(balancer, B, 5);
		assertThat(balancer.isReady(A)).isFalse();
		assertThat(balancer.isReady(B)).isTrue();
		assertThat(balancer.backends().state(B).ejections()).isZero();
	}

	@Test
	void startedAndFinishedCountRequestsInProgress() {
		LoadBalancer balancer = LoadBalancer.of(List.of(A, B), BackendSelection.leastRequest());
		BackendState first = balancer.started(A);
		BackendState second = balancer.started(A);
		assertThat(balancer.backends().state(A).inflight()).isEqualTo(2);
		for (int i = 0; i < 20; i++) {
			assertThat(balancer.select(null)).as("the idle backend wins both draws").isEqualTo(B);
		}
		balancer.finished(first, false);
		balancer.finished(second, false);
		assertThat(balancer.backends().state(A).inflight()).isZero();
		assertThat(balancer.backends().state(A).requests()).isEqualTo(2);
		assertThat(balancer.started(C)).isNull();
	}

	@Test
	void theFirstHealthCheckRoundChecksTheBackendsTheFirstDiscoveryFound() {
		LoadBalancer balancer = LoadBalancer.builder()
			.discovery(() -> Mono.just(List.of(A, B)))
			.healthCheck((backend) -> backend.equals(A) ? Mono.error(new IllegalStateException("down")) : Mono.empty(),
					null)
			.build();
		balancer.start().block(Duration.ofSeconds(5));
		balancer.stop();
		assertThat(balancer.isReady(A)).isFalse();
		assertThat(balancer.isReady(B)).isTrue();
	}

	@Test
	void aStoppedBalancerCanStartAgain() {
		AtomicInteger checks = new AtomicInteger();
		LoadBalancer balancer = LoadBalancer.builder().backends(List.of(A)).healthCheck((backend) -> {
			checks.incrementAndGet();
			return Mono.empty();
		}, Duration.ofMillis(20)).build();
		balancer.start().block(Duration.ofSeconds(5));
		balancer.stop();
		int afterStop = checks.get();
		balancer.start().block(Duration.ofSeconds(5));
		await().until(() -> checks.get() > afterStop + 2);
		balancer.stop();
	}

	@Test
	void twoBackendsFailingAtOnceAreNeverBothEjected() throws Exception {
		for (int round = 0; round < 200; round++) {
			LoadBalancer balancer = LoadBalancer.builder()
				.backends(List.of(A, B))
				.passiveHealthCheck(new PassiveHealthCheck(1, Duration.ofMinutes(1)))
				.build();
			CyclicBarrier barrier = new CyclicBarrier(2);
			Thread other = new Thread(() -> {
				awaitBarrier(barrier);
				fail(balancer, B, 1);
			});
			other.start();
			awaitBarrier(barrier);
			fail(balancer, A, 1);
			other.join();
			assertThat(balancer.isReady(A) || balancer.isReady(B)).as("round %d", round).isTrue();
			assertThat(balancer.backends().state(A).ejections() + balancer.backends().state(B).ejections())
				.isEqualTo(1);
		}
	}

	@Test
	void weightedRoundRobinFallsBackToTheLightBackendsWhenAHeavyOneIsOut() {
		Backend heavy = A.withWeight(500);
		LoadBalancer balancer = LoadBalancer.of(List.of(heavy, B), BackendSelection.weightedRoundRobin());
		balancer.setEnabled(heavy, false);
		for (int i = 0; i < 1000; i++) {
			assertThat(balancer.select(null)).isEqualTo(B);
		}
	}

	@Test
	void weightedRoundRobinWithHugeWeightsFallsBackToRoundRobin() {
		Backend heavy = A.withWeight(1_000_003);
		LoadBalancer balancer = LoadBalancer.of(List.of(heavy, B.withWeight(1_000_000)),
				BackendSelection.weightedRoundRobin());
		Map<Backend, Integer> counts = new HashMap<>();
		for (int i = 0; i < 1000; i++) {
			counts.merge(balancer.select(null), 1, Integer::sum);
		}
		// Round robin over the weight-expanded list: the heavy backend's run comes first.
		assertThat(counts).containsOnlyKeys(heavy);
	}

	private static void awaitBarrier(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void backendsParseAndCheckTheirAddress() {
		assertThat(Backend.parse("[::1]:8080").host()).isEqualTo("::1");
		assertThat(Backend.parse("[::1]:8080").address()).isEqualTo("[::1]:8080");
		assertThatIllegalArgumentException().isThrownBy(() -> Backend.parse("nope"))
			.withMessageContaining("expected: host:port");
		assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a", 1).withWeight(0))
			.withMessage("weight: 0 (expected: >= 1)");
		assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancer.of(List.of(), BackendSelection.roundRobin()))
			.withMessageContaining("backends: empty");
		assertThatIllegalStateException().isThrownBy(() -> LoadBalancer.builder().build())
			.withMessageContaining("discovery: none");
	}

	private static void fail(LoadBalancer balancer, Backend backend, int times) {
		for (int i = 0; i < times; i++) {
			balancer.finished(balancer.started(backend), true);
		}
	}

	private static void succeed(LoadBalancer balancer, Backend backend) {
		balancer.finished(balancer.started(backend), false);
	}

}
