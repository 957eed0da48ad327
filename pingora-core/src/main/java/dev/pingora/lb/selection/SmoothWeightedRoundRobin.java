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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;

/**
 * Smooth weighted round robin.
 *
 * <p>
 * Implementation notes. The schedule is computed once, when the selector is built, with
 * nginx's smooth weighted round-robin algorithm (each backend's current weight grows by
 * its weight every step; the largest is picked and lowered by the total), so a backend of
 * weight {@code w} appears {@code w} times per cycle of {@code sum(w)} slots and the
 * slots of different backends interleave. Selecting is then one atomic increment and an
 * array read. A request's candidates are the schedule from its slot onwards, so a retry
 * goes to the next backend in the schedule.
 */
final class SmoothWeightedRoundRobin implements BackendSelection {

	static final SmoothWeightedRoundRobin INSTANCE = new SmoothWeightedRoundRobin();

	private SmoothWeightedRoundRobin() {
	}

	@Override
	public Selector build(Backends backends) {
		if (backends.isEmpty()) {
			return (key) -> Collections.emptyIterator();
		}
		Backend[] schedule = schedule(backends.list());
		AtomicLong next = new AtomicLong();
		return (key) -> new RingIterator(schedule, (int) Math.floorMod(next.getAndIncrement(), (long) schedule.length));
	}

	@Override
	public String name() {
		return "weighted";
	}

	static Backend[] schedule(List<Backend> backends) {
		int total = Weighted.totalWeight(backends);
		Backend[] schedule = new Backend[total];
		long[] current = new long[backends.size()];
		for (int slot = 0; slot < total; slot++) {
			int best = 0;
			for (int i = 0; i < current.length; i++) {
				current[i] += backends.get(i).weight();
				if (current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= total;
			schedule[slot] = backends.get(best);
		}
		return schedule;
	}

}
