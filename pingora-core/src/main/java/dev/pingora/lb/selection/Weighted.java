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

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;

/**
 * Selection over the weight-expanded list of backends, a port of Pingora's
 * {@code Weighted<H>} with its three algorithms.
 *
 * <p>
 * Implementation notes. Backends are sorted by weight, heaviest first (a stable sort of
 * the snapshot's natural order, where Pingora sorts a hash set). A backend of weight
 * {@code w} appears {@code w} times in the expanded list. The algorithm turns the request
 * key into a 64-bit number; the first candidate is the expanded list at that number
 * (unsigned) modulo its length, so the first pick honours weights. Each fallback feeds
 * the previous number, as 8 little-endian bytes, to the algorithm again and picks from
 * the backends without weights, exactly as Pingora's {@code WeightedIterator} does.
 */
final class Weighted implements BackendSelection {

	/** The largest total weight (the length of the expanded list) accepted. */
	static final int MAX_TOTAL_WEIGHT = 1 << 24;

	static final Weighted ROUND_ROBIN = new Weighted("round-robin", RoundRobinAlgorithm::new);

	static final Weighted RANDOM = random(ThreadLocalRandom::current);

	static final Weighted FNV = new Weighted("fnv-hash", () -> FnvAlgorithm.INSTANCE);

	private final String name;

	private final Supplier<Algorithm> algorithms;

	/**
	 * Return weighted random selection drawing from a given generator.
	 * @param random the generator of the calling thread
	 * @return the selection
	 */
	static Weighted random(Supplier<? extends RandomGenerator> random) {
		RandomAlgorithm algorithm = new RandomAlgorithm(random);
		return new Weighted("random", () -> algorithm);
	}

	private Weighted(String name, Supplier<Algorithm> algorithms) {
		this.name = name;
		this.algorithms = algorithms;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Selector build(Backends backends) {
		if (backends.isEmpty()) {
			return (key) -> Collections.emptyIterator();
		}
		List<Backend> sorted = new ArrayList<>(backends.list());
		sorted.sort(Comparator.comparingInt(Backend::weight).reversed());
		Backend[] unique = sorted.toArray(new Backend[0]);
		int[] expanded = expand(unique);
		Algorithm algorithm = this.algorithms.get();
		return (key) -> new Candidates(unique, expanded, algorithm, algorithm.next(key));
	}

	static int[] expand(Backend[] backends) {
		int[] expanded = new int[totalWeight(List.of(backends))];
		int slot = 0;
		for (int i = 0; i < backends.length; i++) {
			for (int n = 0; n < backends[i].weight(); n++) {
				expanded[slot++] = i;
			}
		}
		return expanded;
	}

	static int totalWeight(List<Backend> backends) {
		long total = 0;
		for (Backend backend : backends) {
			total += backend.weight();
		}
		if (total > MAX_TOTAL_WEIGHT) {
			throw new IllegalArgumentException(
					"weights: total " + total + " (expected: at most " + MAX_TOTAL_WEIGHT + "; lower the weights)");
		}
		return (int) total;
	}

	/**
	 * Pingora's {@code SelectionAlgorithm}: maps a key to a 64-bit number.
	 */
	interface Algorithm {

		long next(byte[] key);

		/**
		 * Map the previous number, as 8 little-endian bytes, to the next one.
		 * @param previous the previous number
		 * @return the next number
		 */
		default long next(long previous) {
			byte[] bytes = new byte[8];
			for (int i = 0; i < 8; i++) {
				bytes[i] = (byte) (previous >>> (8 * i));
			}
			return next(bytes);
		}

	}

	/**
	 * 64-bit FNV-1a, the {@code fnv} crate's {@code FnvHasher}.
	 */
	enum FnvAlgorithm implements Algorithm {

		INSTANCE;

		static final long OFFSET_BASIS = 0xcbf29ce484222325L;

		static final long PRIME = 0x100000001b3L;

		@Override
		public long next(byte[] key) {
			long hash = OFFSET_BASIS;
			for (byte b : key) {
				hash ^= (b & 0xff);
				hash *= PRIME;
			}
			return hash;
		}

		@Override
		public long next(long previous) {
			long hash = OFFSET_BASIS;
			for (int i = 0; i < 8; i++) {
				hash ^= (previous >>> (8 * i)) & 0xff;
				hash *= PRIME;
			}
			return hash;
		}

	}

	/**
	 * A counter shared by every request; ignores the key.
	 */
	static final class RoundRobinAlgorithm implements Algorithm {

		private final AtomicLong counter = new AtomicLong();

		@Override
		public long next(byte[] key) {
			return this.counter.getAndIncrement();
		}

		@Override
		public long next(long previous) {
			return this.counter.getAndIncrement();
		}

	}

	/**
	 * A random number; ignores the key.
	 */
	record RandomAlgorithm(Supplier<? extends RandomGenerator> random) implements Algorithm {

		@Override
		public long next(byte[] key) {
			return this.random.get().nextLong();
		}

		@Override
		public long next(long previous) {
			return this.random.get().nextLong();
		}

	}

	private static final class Candidates implements Iterator<Backend> {

		private final Backend[] unique;

		private final int[] expanded;

		private final Algorithm algorithm;

		private long index;

		private boolean first = true;

		Candidates(Backend[] unique, int[] expanded, Algorithm algorithm, long index) {
			this.unique = unique;
			this.expanded = expanded;
			this.algorithm = algorithm;
			this.index = index;
		}

		@Override
		public boolean hasNext() {
			return true;
		}

		@Override
		public Backend next() {
			if (this.first) {
				this.first = false;
				return this.unique[this.expanded[(int) Long.remainderUnsigned(this.index, this.expanded.length)]];
			}
			this.index = this.algorithm.next(this.index);
			return this.unique[(int) Long.remainderUnsigned(this.index, this.unique.length)];
		}

	}

}
