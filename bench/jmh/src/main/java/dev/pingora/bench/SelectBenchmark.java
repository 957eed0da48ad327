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

package dev.pingora.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.selection.BackendSelection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link LoadBalancer#select(byte[])} for every selection at 3, 100 and 1,000
 * backends (weights 1 to 3), all ready, with a different 20-byte key each call.
 * {@code baseline} is the cheapest possible pick, an array read by a counter, measured in
 * the same run so that results can be given as ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectBenchmark {

	private static final int KEYS = 4096;

	@Param({ "baseline", "round-robin", "weighted", "random", "hash", "consistent", "least-request" })
	String selection;

	@Param({ "3", "100", "1000" })
	int backends;

	private LoadBalancer balancer;

	private Backend[] array;

	private byte[][] keys;

	private int next;

	@Setup
	public void setUp() {
		List<Backend> list = new ArrayList<>();
		for (int i = 0; i < this.backends; i++) {
			list.add(Backend.of("10." + (i / 250) + "." + (i % 250) + ".1", 8080).withWeight(1 + i % 3));
		}
		this.array = list.toArray(new Backend[0]);
		this.balancer = LoadBalancer.of(list, selection(this.selection));
		this.keys = new byte[KEYS][];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = String.format("/users/%013d", i * 7919L).getBytes(StandardCharsets.UTF_8);
		}
	}

	private static BackendSelection selection(String name) {
		return switch (name) {
			case "baseline", "round-robin" -> BackendSelection.roundRobin();
			case "weighted" -> BackendSelection.weightedRoundRobin();
			case "random" -> BackendSelection.random();
			case "hash" -> BackendSelection.fnvHash();
			case "consistent" -> BackendSelection.consistent();
			case "least-request" -> BackendSelection.leastRequest();
			default -> throw new IllegalArgumentException(name);
		};
	}

	@Benchmark
	public Backend select() {
		int i = this.next++ & (KEYS - 1);
		if ("baseline".equals(this.selection)) {
			return this.array[i % this.array.length];
		}
		return this.balancer.select(this.keys[i]);
	}

}
