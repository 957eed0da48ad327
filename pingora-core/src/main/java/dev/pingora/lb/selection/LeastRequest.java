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
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.pingora.lb.Backend;
import dev.pingora.lb.BackendState;
import dev.pingora.lb.Backends;

/**
 * Least request by the power of two choices.
 *
 * <p>
 * Implementation notes. Two distinct backends are drawn, the first in proportion to
 * weight (from the weight-expanded list), the second the same way or, if it came out
 * equal to the first, uniformly among the others. The candidate with fewer requests in
 * progress per unit of weight ({@code inflight / weight}, compared by cross
 * multiplication) comes first, the other second; the rest follow in round order from a
 * random start, for fallback. Two random draws instead of a full scan keep selection O(1)
 * and avoid the herd that always-pick-the-least causes when many proxies share backends
 * (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing").
 */
final class LeastRequest implements BackendSelection {

	static final LeastRequest INSTANCE = new LeastRequest(ThreadLocalRandom::current);

	private final Supplier<? extends RandomGenerator> random;

	LeastRequest(Supplier<? extends RandomGenerator> random) {
		this.random = random;
	}

	@Override
	public String name() {
		return "least-request";
	}

	@Override
	public Selector build(Backends backends) {
		if (backends.isEmpty()) {
			return (key) -> Collections.emptyIterator();
		}
		Backend[] unique = backends.list().toArray(new Backend[0]);
		BackendState[] states = new BackendState[unique.length];
		for (int i = 0; i < unique.length; i++) {
			states[i] = backends.state(i);
		}
		int[] expanded = Weighted.expand(unique);
		return (key) -> new Candidates(unique, states, expanded, this.random.get());
	}

	private static final class Candidates implements Iterator<Backend> {

		private final Backend[] unique;

		private final int first;

		private final int second;

		private int step;

		private int next;

		Candidates(Backend[] unique, BackendState[] states, int[] expanded, RandomGenerator random) {
			this.unique = unique;
			int n = unique.length;
			int a = expanded[random.nextInt(expanded.length)];
			int b = a;
			if (n > 1) {
				b = expanded[random.nextInt(expanded.length)];
				if (b == a) {
					b = (a + 1 + random.nextInt(n - 1)) % n;
				}
			}
			long loadA = (long) states[a].inflight() * unique[b].weight();
			long loadB = (long) states[b].inflight() * unique[a].weight();
			this.first = (loadA <= loadB) ? a : b;
			this.second = (loadA <= loadB) ? b : a;
			this.next = random.nextInt(n);
		}

		@Override
		public boolean hasNext() {
			return true;
		}

		@Override
		public Backend next() {
			int step = this.step++;
			if (step == 0) {
				return this.unique[this.first];
			}
			if (step == 1) {
				return this.unique[this.second];
			}
			Backend backend = this.unique[this.next];
			this.next = (this.next + 1 == this.unique.length) ? 0 : this.next + 1;
			return backend;
		}

	}

}
