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

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

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
enum RoundRobin implements BackendSelection {

	INSTANCE;

	@Override
	public Selector build(List<Backend> backends) {
		if (backends.isEmpty()) {
			throw new IllegalArgumentException("backends: empty (expected: at least one)");
		}
		Backend[] schedule = schedule(backends);
		AtomicLong next = new AtomicLong();
		return (key) -> new Candidates(schedule, (int) Math.floorMod(next.getAndIncrement(), (long) schedule.length));
	}

	static Backend[] schedule(List<Backend> backends) {
		int total = 0;
		for (Backend backend : backends) {
			total = Math.addExact(total, backend.weight());
		}
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

	private static final class Candidates implements Iterator<Backend> {

		private final Backend[] schedule;

		private int index;

		Candidates(Backend[] schedule, int start) {
			this.schedule = schedule;
			this.index = start;
		}

		@Override
		public boolean hasNext() {
			return true;
		}

		@Override
		public Backend next() {
			Backend backend = this.schedule[this.index];
			this.index = (this.index + 1 == this.schedule.length) ? 0 : this.index + 1;
			return backend;
		}

	}

}
