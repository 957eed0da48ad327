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

package dev.pingora.lb.selection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for the {@link BackendSelection} algorithms. The FNV, round-robin and Ketama
 * vectors are the ones of Pingora's own unit tests ({@code selection/weighted.rs},
 * {@code pingora-ketama/src/lib.rs}), so a key lands where Pingora (and nginx) would send
 * it.
 */
class BackendSelectionTests {

	// Pingora's test_fnv and test_round_robin backends. Sorted by weight, heaviest first
	// (ties in natural order), they are [heavy, b3, b1] - Pingora's vectors name them by
	// that position.
	private static final Backend B1 = Backend.parse("1.1.1.1:80");

	private static final Backend B3 = Backend.parse("1.0.0.255:80");

	@Test
	void fnvHashMatchesPingora() {
		Backend heavy = Backend.parse("1.0.0.1:80").withWeight(10);
		Backend[] sorted = { heavy, B3, B1 };
		BackendSelection.Selector selector = BackendSelection.fnvHash().build(Backends.of(List.of(B1, heavy, B3)));
		Iterator<Backend> candidates = selector.candidates(bytes("test"));
		assertThat(candidates.next()).isEqualTo(heavy);
		for (int index : new int[] { 0, 0, 2, 1, 0, 0, 2, 0, 1, 2 }) {
			assertThat(candidates.next()).isEqualTo(sorted[index]);
		}
		String[] keys = { "test1", "test2", "test3", "test4", "test5", "test6", "test7" };
		int[] expected = { 0, 0, 1, 2, 0, 0, 0 };
		for (int i = 0; i < keys.length; i++) {
			assertThat(selector.candidates(bytes(keys[i])).next()).as(keys[i]).isEqualTo(sorted[expected[i]]);
		}
	}

	@Test
	void fnvIsSixtyFourBitFnv1a() {
		// Reference values of the FNV-1a 64 specification (draft-eastlake-fnv).
		assertThat(Weighted.FnvAlgorithm.INSTANCE.next(new byte[0])).isEqualTo(0xcbf29ce484222325L);
		assertThat(Weighted.FnvAlgorithm.INSTANCE.next(bytes("a"))).isEqualTo(0xaf63dc4c8601ec8cL);
		assertThat(Weighted.FnvAlgorithm.INSTANCE.next(bytes("foobar"))).isEqualTo(0x85944171f73967e8L);
		long previous = 0x0123456789abcdefL;
		byte[] littleEndian = { (byte) 0xef, (byte) 0xcd, (byte) 0xab, (byte) 0x89, 0x67, 0x45, 0x23, 0x01 };
		assertThat(Weighted.FnvAlgorithm.INSTANCE.next(previous))
			.isEqualTo(Weighted.FnvAlgorithm.INSTANCE.next(littleEndian));
	}

	@Test
	void roundRobinMatchesPingora() {
		Backend heavy = Backend.parse("1.0.0.1:80").withWeight(8);
		Backend[] sorted = { heavy, B3, B1 };
		BackendSelection.Selector selector = BackendSelection.roundRobin().build(Backends.of(List.of(B1, heavy, B3)));
		Iterator<Backend> candidates = selector.candidates(bytes("test"));
		assertThat(candidates.next()).isEqualTo(heavy);
		for (int index : new int[] { 1, 2, 0, 1 }) {
			assertThat(candidates.next()).isEqualTo(sorted[index]);
		}
		for (int index : new int[] { 0, 0, 0, 1, 2, 0, 0 }) {
			assertThat(selector.candidates(bytes("test1")).next()).isEqualTo(sorted[index]);
		}
	}

	@Test
	void randomFavoursTheHeavyBackendAsPingoraDoes() {
		Backend heavy = Backend.parse("1.0.0.1:80").withWeight(8);
		BackendSelection.Selector selector = BackendSelection.random().build(Backends.of(List.of(B1, heavy, B3)));
		int heavyPicks = 0;
		for (int i = 0; i < 1000; i++) {
			if (selector.candidates(bytes("test")).next().equals(heavy)) {
				heavyPicks++;
			}
		}
		// Expected 800; a binomial(1000, 0.8) stays within 700..900 but for 1 in 10^13.
		assertThat(heavyPicks).isBetween(700, 900);
	}

	static List<BackendSelection> weighted() {
		// The random selections draw from a seeded generator: the outcome is the same on
		// every run, never flaky.
		SplittableRandom seeded = new SplittableRandom(42);
		return List.of(BackendSelection.roundRobin(), BackendSelection.weightedRoundRobin(),
				Weighted.random(() -> seeded), BackendSelection.fnvHash(), new LeastRequest(() -> seeded));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("weighted")
	void weightsOneTwoThreeGetOneTwoThreeSixthsOfSixThousandSelections(BackendSelection selection) {
		Backend one = Backend.parse("10.0.0.1:80");
		Backend two = Backend.parse("10.0.0.2:80").withWeight(2);
		Backend three = Backend.parse("10.0.0.3:80").withWeight(3);
		BackendSelection.Selector selector = selection.build(Backends.of(List.of(one, two, three)));
		Map<Backend, Integer> counts = new HashMap<>();
		for (int i = 0; i < 6000; i++) {
			// Distinct keys for the key-based selections; ignored by the others.
			counts.merge(selector.candidates(bytes("/users/" + i)).next(), 1, Integer::sum);
		}
		// Within 5% of the expected share (1000, 2000, 3000).
		assertThat(counts.getOrDefault(one, 0)).isCloseTo(1000, within(50));
		assertThat(counts.getOrDefault(two, 0)).isCloseTo(2000, within(100));
		assertThat(counts.getOrDefault(three, 0)).isCloseTo(3000, within(150));
	}

	@Test
	void ketamaSharesFollowTheRingAndTheRingFollowsTheWeights() {
		Backend one = Backend.parse("10.0.0.1:80");
		Backend two = Backend.parse("10.0.0.2:80").withWeight(2);
		Backend three = Backend.parse("10.0.0.3:80").withWeight(3);
		Ketama.Continuum ring = Ketama.Continuum.of(List.of(one, two, three));
		Map<Backend, Double> shares = ring.shares();
		assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
		// 160 points per unit of weight: each share is a sum of random arcs, off the
		// weight by about 1/sqrt(points) - the price of nginx-compatible consistency.
		assertThat(shares.get(one)).isCloseTo(1 / 6.0, within(1 / 6.0 * 0.10));
		assertThat(shares.get(two)).isCloseTo(2 / 6.0, within(2 / 6.0 * 0.10));
		assertThat(shares.get(three)).isCloseTo(3 / 6.0, within(3 / 6.0 * 0.10));
		BackendSelection.Selector selector = BackendSelection.consistent().build(Backends.of(List.of(one, two, three)));
		Map<Backend, Integer> counts = new HashMap<>();
		for (int i = 0; i < 6000; i++) {
			counts.merge(selector.candidates(bytes("/users/" + i)).next(), 1, Integer::sum);
		}
		// The keys land on each backend within 5% of its ring share.
		counts.forEach((backend, count) -> assertThat((double) count).as("%s", backend)
			.isCloseTo(6000 * shares.get(backend), within(6000 * shares.get(backend) * 0.05)));
	}

	@Test
	void smoothWeightedRoundRobinInterleaves() {
		Backend a = Backend.parse("10.0.0.1:80").withWeight(3);
		Backend b = Backend.parse("10.0.0.2:80");
		BackendSelection.Selector selector = BackendSelection.weightedRoundRobin().build(Backends.of(List.of(a, b)));
		StringBuilder order = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			order.append(selector.candidates(new byte[0]).next().equals(a) ? 'a' : 'b');
		}
		assertThat(order.toString()).isEqualTo("aabaaaba");
	}

	@Test
	void ketamaMatchesTheNginxSample() {
		Ketama.Continuum ring = Ketama.Continuum
			.of(List.of(Backend.parse("127.0.0.1:7777"), Backend.parse("127.0.0.1:7778")));
		Map<String, Integer> expected = Map.of("/some/path", 7778, "/some/longer/path", 7777, "/sad/zaidoon", 7778,
				"/g", 7777, "/pingora/team/is/cool/and/this/is/a/long/uri", 7778, "/i/am/not/confident/in/this/code",
				7777);
		expected.forEach((key, port) -> assertThat(ring.node(bytes(key)).port()).as(key).isEqualTo(port));
		assertThat(ring.points()).isEqualTo(320);
	}

	@Test
	void ketamaKeepsKeysWhenAHostIsAdded() {
		List<Backend> ten = IntStream.rangeClosed(1, 10).mapToObj((i) -> Backend.of("127.0.0." + i, 6443)).toList();
		List<Backend> eleven = IntStream.rangeClosed(1, 11).mapToObj((i) -> Backend.of("127.0.0." + i, 6443)).toList();
		for (List<Backend> backends : List.of(ten, eleven)) {
			Ketama.Continuum ring = Ketama.Continuum.of(backends);
			assertThat(ring.node(bytes("a")).host()).isEqualTo("127.0.0.10");
			assertThat(ring.node(bytes("b")).host()).isEqualTo("127.0.0.5");
		}
	}

	@Test
	void ketamaFailoverWalksTheRingAsPingoraDoes() {
		List<Backend> three = List.of(Backend.parse("127.0.0.1:7777"), Backend.parse("127.0.0.1:7778"),
				Backend.parse("127.0.0.1:7779"));
		assertThat(ports(Ketama.Continuum.of(three).iterator(bytes("doghash")), 8)).containsExactly(7778, 7779, 7779,
				7777, 7777, 7778, 7778, 7779);
		List<Backend> two = List.of(Backend.parse("127.0.0.1:7777"), Backend.parse("127.0.0.1:7779"));
		assertThat(ports(Ketama.Continuum.of(two).iterator(bytes("doghash")), 5)).containsExactly(7779, 7779, 7777,
				7777, 7779);
	}

	@Test
	void ketamaWritesIpv6HostsAsRustDoes() {
		List<Backend> v6 = List.of(Backend.parse("[::1]:7777"), Backend.parse("[0:0:0:0:0:0:0:1]:7778"),
				Backend.parse("[::1]:7779"));
		assertThat(ports(Ketama.Continuum.of(v6).iterator(bytes("doghash")), 7)).containsExactly(7777, 7778, 7777, 7778,
				7778, 7777, 7779);
		assertThat(Ketama.Continuum.hostText("2001:DB8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
		assertThat(Ketama.Continuum.hostText("::ffff:10.0.0.1")).isEqualTo("::ffff:10.0.0.1");
		assertThat(Ketama.Continuum
			.rfc5952(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1 }))
			.isEqualTo("::ffff:10.0.0.1");
		assertThat(Ketama.Continuum.hostText("fe80:0:0:1::")).isEqualTo("fe80:0:0:1::");
	}

	@Test
	void removingOneOfTenKetamaBackendsMovesOnlyItsKeys() {
		List<Backend> ten = IntStream.rangeClosed(1, 10).mapToObj((i) -> Backend.of("10.0.1." + i, 8080)).toList();
		Backend removed = ten.get(3);
		List<Backend> nine = new ArrayList<>(ten);
		nine.remove(removed);
		BackendSelection.Selector before = BackendSelection.consistent().build(Backends.of(ten));
		BackendSelection.Selector after = BackendSelection.consistent().build(Backends.of(nine));
		int moved = 0;
		int hadRemoved = 0;
		for (int i = 0; i < 10_000; i++) {
			byte[] key = bytes("key-" + i);
			Backend was = before.candidates(key).next();
			Backend is = after.candidates(key).next();
			if (was.equals(removed)) {
				hadRemoved++;
			}
			else {
				assertThat(is).as("key-%d stays on %s", i, was).isEqualTo(was);
			}
			if (!was.equals(is)) {
				moved++;
			}
		}
		assertThat(moved).isEqualTo(hadRemoved);
		// About 1/10 of the keys, with the spread of 160 points per backend.
		assertThat(moved).isBetween(700, 1300);
	}

	@Test
	void fnvHashMovesMostKeysWhenABackendGoes() {
		List<Backend> ten = IntStream.rangeClosed(1, 10).mapToObj((i) -> Backend.of("10.0.1." + i, 8080)).toList();
		BackendSelection.Selector before = BackendSelection.fnvHash().build(Backends.of(ten));
		BackendSelection.Selector after = BackendSelection.fnvHash().build(Backends.of(ten.subList(0, 9)));
		long moved = IntStream.range(0, 10_000)
			.filter((i) -> !before.candidates(bytes("key-" + i))
				.next()
				.equals(after.candidates(bytes("key-" + i)).next()))
			.count();
		assertThat(moved).isGreaterThan(5000);
	}

	@Test
	void tooLargeWeightsAreRejected() {
		Backend huge = Backend.parse("10.0.0.1:80").withWeight(Integer.MAX_VALUE);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackendSelection.roundRobin().build(Backends.of(List.of(huge))))
			.withMessageContaining("lower the weights");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackendSelection.consistent().build(Backends.of(List.of(huge))))
			.withMessageContaining("lower the weights");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("weighted")
	void noBackendsNoCandidates(BackendSelection selection) {
		assertThat(selection.build(Backends.empty()).candidates(bytes("k")).hasNext()).isFalse();
	}

	private static List<Integer> ports(Iterator<Backend> candidates, int count) {
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ports.add(candidates.next().port());
		}
		return ports;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
