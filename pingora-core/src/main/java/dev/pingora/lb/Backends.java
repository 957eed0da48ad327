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

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of an upstream's backends and their {@link BackendState}s. A
 * {@link LoadBalancer} swaps in a new snapshot when discovery changes the set; backends
 * present in both keep their state object, new ones start healthy and enabled.
 *
 * <p>
 * Backends are listed in {@link Backend#compareTo natural order}, so two discoveries of
 * the same set give the same snapshot whatever order they listed it in.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::Backends}.
 *
 * @since 0.1.0
 */
public final class Backends {

	private static final Backends EMPTY = new Backends(List.of(), new BackendState[0]);

	private final List<Backend> list;

	private final BackendState[] states;

	private final Map<Backend, BackendState> byBackend;

	private Backends(List<Backend> list, BackendState[] states) {
		this.list = list;
		this.states = states;
		Map<Backend, BackendState> map = new HashMap<>(Math.max(4, list.size() * 2));
		for (BackendState state : states) {
			map.put(state.backend(), state);
		}
		this.byBackend = map;
	}

	/**
	 * Return a snapshot without backends.
	 * @return the empty snapshot
	 */
	public static Backends empty() {
		return EMPTY;
	}

	/**
	 * Create a snapshot whose backends all start healthy and enabled.
	 * @param backends the backends; duplicates are listed once
	 * @return the snapshot
	 */
	public static Backends of(Collection<Backend> backends) {
		return EMPTY.with(backends);
	}

	/**
	 * Return a snapshot of another set of backends that keeps the state of the backends
	 * this one has too.
	 * @param backends the new set; duplicates are listed once
	 * @return this snapshot if the set is the same, otherwise a new snapshot
	 */
	public Backends with(Collection<Backend> backends) {
		Objects.requireNonNull(backends, "backends");
		List<Backend> sorted = List.copyOf(new TreeSet<>(backends));
		if (sorted.equals(this.list)) {
			return this;
		}
		List<BackendState> states = new ArrayList<>(sorted.size());
		for (Backend backend : sorted) {
			BackendState state = this.byBackend.get(backend);
			states.add((state != null) ? state : new BackendState(backend));
		}
		return new Backends(sorted, states.toArray(new BackendState[0]));
	}

	/**
	 * Return the backends.
	 * @return the backends, in natural order
	 */
	public List<Backend> list() {
		return this.list;
	}

	/**
	 * Return the number of backends.
	 * @return the size
	 */
	public int size() {
		return this.list.size();
	}

	/**
	 * Whether there are no backends.
	 * @return {@code true} if empty
	 */
	public boolean isEmpty() {
		return this.list.isEmpty();
	}

	/**
	 * Return the state of the backend at an index of {@link #list()}.
	 * @param index the index
	 * @return the state
	 */
	public BackendState state(int index) {
		return this.states[index];
	}

	/**
	 * Return the state of a backend.
	 * @param backend the backend
	 * @return the state, or {@code null} if the backend is not in this snapshot
	 */
	public @Nullable BackendState state(Backend backend) {
		return this.byBackend.get(backend);
	}

	/**
	 * Return every backend's state.
	 * @return the states, in the order of {@link #list()}
	 */
	public List<BackendState> states() {
		return List.of(this.states);
	}

	@Override
	public String toString() {
		return this.list.toString();
	}

}
