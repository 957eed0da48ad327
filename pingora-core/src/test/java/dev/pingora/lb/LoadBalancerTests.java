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

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoadBalancer} with {@link BackendSelection#roundRobin()}.
 */
class LoadBalancerTests {

	@Test
	void roundRobinSharesRequestsByWeightAndInterleavesThem() {
		Backend a = Backend.parse("10.0.0.1:80").withWeight(3);
		Backend b = Backend.parse("10.0.0.2:80");
		LoadBalancer balancer = LoadBalancer.of(List.of(a, b), BackendSelection.roundRobin());
		Map<Backend, Integer> counts = new HashMap<>();
		StringBuilder order = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			Backend picked = balancer.select(null);
			counts.merge(picked, 1, Integer::sum);
			order.append(picked.equals(a) ? 'a' : 'b');
		}
		assertThat(counts).containsEntry(a, 6).containsEntry(b, 2);
		assertThat(order.toString()).isEqualTo("aabaaaba");
	}

	@Test
	void selectSkipsCandidatesThatAreNotAccepted() {
		Backend a = Backend.of("10.0.0.1", 80);
		Backend b = Backend.of("10.0.0.2", 80);
		LoadBalancer balancer = LoadBalancer.of(List.of(a, b), BackendSelection.roundRobin());
		for (int i = 0; i < 4; i++) {
			assertThat(balancer.select(null, 4, (candidate) -> !candidate.equals(a))).isEqualTo(b);
		}
		assertThat(balancer.select(null, 4, (candidate) -> false)).isNull();
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
	}

}
