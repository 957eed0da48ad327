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

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smooth weighted round robin.
 *
 * <p>
 * Implementation notes. The schedule is computed once, when the selector is built, with
 * nginx's smooth weighted round-robin algorithm (each backend's current weight grows by
 * its weight every step; the largest is picked and lowered by the total), over the
 * weights divided by their greatest common divisor, so a backend of weight {@code w}
 * appears {@code w} times per cycle of {@code sum(w)} slots and the slots of different
 * backends interleave. Selecting is then one atomic increment and an array read. When the
 * first pick is not ready, the fallbacks are the backends without weights, in order from
 * the pick's position, so that a heavy backend that is down does not hide the light ones
 * behind hundreds of its own slots. Building costs {@code sum(w) × n}; above
 * {@value #MAX_BUILD_STEPS} steps or a schedule of {@value #MAX_SCHEDULE} slots the
 * selector falls back to {@code round-robin} (weights are still honoured, in runs rather
 * than interleaved) and says so in the log.
 */
final class SmoothWeightedRoundRobin implements BackendSelection {

	static final SmoothWeightedRoundRobin INSTANCE = new SmoothWeightedRoundRobin();

	/** The most steps ({@code sum(w) × n}) spent building a schedule. */
	static final long MAX_BUILD_STEPS = 1L << 24;

	/** The longest schedule ({@code sum(w)}, weights reduced). */
	static final long MAX_SCHEDULE = 1L << 16;

	private static final Logger logger = LoggerFactory.getLogger(SmoothWeightedRoundRobin.class);

	private SmoothWeightedRoundRobin() {
	}

	@Override
	public Selector build(Backends backends) {
		if (backends.isEmpty()) {
			return (key) -> Collections.emptyIterator();
		}
		List<Backend> list = backends.list();
		int[] weights = reducedWeights(list);
		long total = 0;
		for (int weight : weights) {
			total += weight;
		}
		if (total > MAX_SCHEDULE || total * list.size() > MAX_BUILD_STEPS) {
			logger.warn(
					"Weights of {} backends sum to {} even when reduced: too many for a smooth weighted "
							+ "schedule; using round-robin instead (lower the weights to keep the interleaving)",
					list.size(), total);
			return Weighted.ROUND_ROBIN.build(backends);
		}
		Backend[] schedule = schedule(list, weights, (int) total);
		Backend[] unique = list.toArray(new Backend[0]);
		AtomicLong next = new AtomicLong();
		return (key) -> {
			int slot = (int) Math.floorMod(next.getAndIncrement(), (long) schedule.length);
			return new Candidates(schedule[slot], new RingIterator(unique, slot % unique.length));
		};
	}

	@Override
	public String name() {
		return "weighted";
	}

	private static int[] reducedWeights(List<Backend> backends) {
		int divisor = 0;
		for (Backend backend : backends) {
			divisor = gcd(divisor, backend.weight());
		}
		int[] weights = new int[backends.size()];
		for (int i = 0; i < weights.length; i++) {
			weights[i] = backends.get(i).weight() / divisor;
		}
		return weights;
	}

	private static int gcd(int a, int b) {
		return (b == 0) ? a : gcd(b, a % b);
	}

	private static Backend[] schedule(List<Backend> backends, int[] weights, int total) {
		Backend[] schedule = new Backend[total];
		long[] current = new long[weights.length];
		for (int slot = 0; slot < total; slot++) {
			int best = 0;
			for (int i = 0; i < current.length; i++) {
				current[i] += weights[i];
				if (current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= total;
			schedule[slot] = backends.get(best);
		}
		return schedule;
	}

	/**
	 * The scheduled backend, then the backends without weights.
	 */
	private static final class Candidates implements Iterator<Backend> {

		private final Backend first;

		private final Iterator<Backend> fallbacks;

		private boolean started;

		Candidates(Backend first, Iterator<Backend> fallbacks) {
			this.first = first;
			this.fallbacks = fallbacks;
		}

		@Override
		public boolean hasNext() {
			return true;
		}

		@Override
		public Backend next() {
			if (!this.started) {
				this.started = true;
				return this.first;
			}
			return this.fallbacks.next();
		}

	}

}
