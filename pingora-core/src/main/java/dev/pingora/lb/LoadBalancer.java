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
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

import dev.pingora.lb.health.HealthCheck;
import dev.pingora.lb.selection.BackendSelection;
import dev.pingora.server.BackgroundService;
import dev.pingora.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spreads requests over the backends of one upstream: a {@link Backends} snapshot from
 * {@link ServiceDiscovery}, a {@link BackendSelection}, optional active
 * {@link HealthCheck}s and optional {@link PassiveHealthCheck passive} ejection.
 * Thread-safe; selecting never blocks and takes no lock.
 *
 * <p>
 * As a {@link BackgroundService} (add it to the {@link dev.pingora.server.Server}) it
 * runs discovery every update interval and health checks every health-check interval.
 * Each discovery that changes the set swaps in a new snapshot and selector atomically;
 * requests in progress keep their backend.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::LoadBalancer}, with {@link #select}
 * and {@link #selectWith} as its {@code select} and {@code select_with}.
 *
 * @since 0.1.0
 */
public final class LoadBalancer implements BackgroundService {

	/**
	 * How many candidates {@link #select(byte[])} considers, as in Pingora's examples.
	 */
	public static final int DEFAULT_MAX_ITERATIONS = 256;

	private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);

	private static final byte[] NO_KEY = new byte[0];

	private final String name;

	private final ServiceDiscovery discovery;

	private final BackendSelection selection;

	private final @Nullable HealthCheck healthCheck;

	private final @Nullable Duration healthCheckInterval;

	private final boolean parallelHealthCheck;

	private final @Nullable Duration updateInterval;

	private final @Nullable PassiveHealthCheck passiveHealthCheck;

	private final Ticker ticker;

	private final List<Consumer<Backends>> listeners = new CopyOnWriteArrayList<>();

	private volatile Generation generation;

	private @Nullable Disposable tasks;

	private LoadBalancer(Builder builder) {
		this.name = builder.name;
		this.discovery = Objects.requireNonNull(builder.discovery, "discovery");
		this.selection = builder.selection;
		this.healthCheck = builder.healthCheck;
		this.healthCheckInterval = builder.healthCheckInterval;
		this.parallelHealthCheck = builder.parallelHealthCheck;
		this.updateInterval = builder.updateInterval;
		this.passiveHealthCheck = builder.passiveHealthCheck;
		this.ticker = builder.ticker;
		Backends initial = Backends.empty();
		if (this.discovery instanceof ServiceDiscovery.StaticDiscovery fixed) {
			initial = initial.with(fixed.backends());
		}
		this.generation = new Generation(initial, this.selection.build(initial));
	}

	/**
	 * Create a load balancer over a fixed set of backends, without health checks.
	 * @param backends the backends, at least one
	 * @param selection how to pick among them
	 * @return the load balancer
	 */
	public static LoadBalancer of(List<Backend> backends, BackendSelection selection) {
		Objects.requireNonNull(backends, "backends");
		if (backends.isEmpty()) {
			throw new IllegalArgumentException("backends: empty (expected: at least one)");
		}
		return builder().backends(backends).selection(selection).build();
	}

	/**
	 * Start building a load balancer.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Pick the first ready backend (healthy, enabled, not ejected) among the selection's
	 * first {@value #DEFAULT_MAX_ITERATIONS} candidates.
	 * @param key the request's key for key-based selections, or {@code null}
	 * @return the backend, or {@code null} if no candidate is ready
	 */
	public @Nullable Backend select(byte @Nullable [] key) {
		return select(key, DEFAULT_MAX_ITERATIONS);
	}

	/**
	 * Pick the first ready backend among the selection's candidates.
	 * @param key the request's key for key-based selections, or {@code null}
	 * @param maxIterations how many candidates to consider at most, repeats included
	 * @return the backend, or {@code null} if none was found
	 */
	public @Nullable Backend select(byte @Nullable [] key, int maxIterations) {
		return selectWith(key, maxIterations, (backend, ready) -> ready);
	}

	/**
	 * Pick the first acceptable backend among the selection's candidates; each distinct
	 * candidate is offered once. Use it to skip a backend that just failed.
	 * @param key the request's key for key-based selections, or {@code null}
	 * @param maxIterations how many candidates to consider at most, repeats included
	 * @param accept given a candidate and whether it is ready, whether to take it
	 * @return the backend, or {@code null} if none was found
	 */
	public @Nullable Backend selectWith(byte @Nullable [] key, int maxIterations,
			BiPredicate<Backend, Boolean> accept) {
		Generation current = this.generation;
		Iterator<Backend> candidates = current.selector.candidates((key != null) ? key : NO_KEY);
		Backend firstSeen = null;
		Set<Backend> seen = null;
		for (int step = 0; step < maxIterations && candidates.hasNext(); step++) {
			Backend candidate = candidates.next();
			if (firstSeen == null) {
				firstSeen = candidate;
			}
			else if (candidate.equals(firstSeen)) {
				continue;
			}
			else {
				if (seen == null) {
					seen = new HashSet<>();
				}
				if (!seen.add(candidate)) {
					continue;
				}
			}
			if (accept.test(candidate, isReady(current.backends.state(candidate)))) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Whether a backend is ready: healthy, enabled and not ejected.
	 * @param backend the backend
	 * @return {@code true} if ready; for a backend this balancer does not know,
	 * {@code true} only if there is no active health check (as in Pingora)
	 */
	public boolean isReady(Backend backend) {
		return isReady(this.generation.backends.state(backend));
	}

	private boolean isReady(@Nullable BackendState state) {
		if (state == null) {
			return this.healthCheck == null;
		}
		return state.isEnabled() && state.isHealthy() && !state.isEjected(this.ticker);
	}

	/**
	 * Enable or disable a backend. A disabled backend gets no new requests; requests in
	 * progress finish. Discovery keeps the flag as long as it keeps the backend.
	 * @param backend the backend
	 * @param enabled whether to enable it
	 * @return {@code true} if the backend is known
	 */
	public boolean setEnabled(Backend backend, boolean enabled) {
		BackendState state = this.generation.backends.state(backend);
		if (state == null) {
			return false;
		}
		state.setEnabled(enabled);
		logger.info("Backend {} of upstream {} {}", backend, this.name, enabled ? "enabled" : "disabled");
		return true;
	}

	/**
	 * Count a request sent to a backend: its requests and requests in progress, which
	 * {@link BackendSelection#leastRequest()} balances. Pair it with
	 * {@link #finished(BackendState, boolean)}.
	 * @param backend the backend
	 * @return the backend's state, to pass to {@code finished}, or {@code null} if the
	 * backend is not (or no longer) one of this balancer's
	 */
	public @Nullable BackendState started(Backend backend) {
		BackendState state = this.generation.backends.state(backend);
		if (state != null) {
			state.started();
		}
		return state;
	}

	/**
	 * Count the end of a request counted by {@link #started(Backend)}. A failure counts
	 * towards passive ejection; a success resets the count.
	 * @param state what {@code started} returned
	 * @param failed whether the request failed because of the backend (connect failure,
	 * timeout, connection lost before a response)
	 */
	public void finished(BackendState state, boolean failed) {
		state.finished();
		if (!failed) {
			state.succeeded();
			return;
		}
		int failures = state.failed();
		PassiveHealthCheck passive = this.passiveHealthCheck;
		if (passive != null && failures >= passive.consecutiveFailures() && !state.isEjected(this.ticker)) {
			eject(state, passive);
		}
	}

	/**
	 * Count the end of a request counted by {@link #started(Backend)} that says nothing
	 * about the backend's health, such as one retried because a pooled connection had
	 * been closed by the backend while idle.
	 * @param state what {@code started} returned
	 */
	public void abandoned(BackendState state) {
		state.finished();
	}

	private synchronized void eject(BackendState state, PassiveHealthCheck passive) {
		// Under the lock, so that two backends failing at once cannot both be ejected as
		// "not the last ready one", and a backend is ejected once.
		if (state.isEjected(this.ticker)) {
			return;
		}
		Generation current = this.generation;
		for (BackendState other : current.backends.states()) {
			if (other != state && isReady(other)) {
				state.eject(this.ticker.read() + passive.coolDown().toNanos());
				logger.warn("Backend {} of upstream {} ejected for {} after {} consecutive failures", state.backend(),
						this.name, passive.coolDown(), passive.consecutiveFailures());
				return;
			}
		}
		logger.warn("Backend {} of upstream {} failed {} times in a row but stays in rotation: "
				+ "it is the last ready backend", state.backend(), this.name, passive.consecutiveFailures());
	}

	/**
	 * Run discovery once and, if the set of backends changed, swap in the new snapshot.
	 * @return a {@code Mono} that completes when done; discovery errors are passed on
	 */
	public Mono<Void> update() {
		return Mono.defer(this.discovery::discover).doOnNext(this::apply).then();
	}

	private synchronized void apply(Collection<Backend> discovered) {
		Generation current = this.generation;
		Backends next = current.backends.with(discovered);
		if (next == current.backends) {
			return;
		}
		this.generation = new Generation(next, this.selection.build(next));
		logger.info("Upstream {} backends: {}", this.name, next);
		for (Consumer<Backends> listener : this.listeners) {
			try {
				listener.accept(next);
			}
			catch (RuntimeException ex) {
				logger.warn("Upstream {}: a backends listener failed", this.name, ex);
			}
		}
	}

	/**
	 * Run the active health check once on every backend (in parallel unless configured
	 * otherwise) and record the results.
	 * @return a {@code Mono} that completes when every check is done; it never fails
	 */
	public Mono<Void> runHealthChecks() {
		HealthCheck check = this.healthCheck;
		if (check == null) {
			return Mono.empty();
		}
		List<BackendState> states = this.generation.backends.states();
		int concurrency = this.parallelHealthCheck ? Math.max(1, states.size()) : 1;
		return Flux.fromIterable(states).flatMap((state) -> runHealthCheck(check, state), concurrency).then();
	}

	private Mono<Void> runHealthCheck(HealthCheck check, BackendState state) {
		return Mono.defer(() -> check.check(state.backend()))
			.then(Mono.fromRunnable(() -> observe(check, state, null)))
			.onErrorResume((ex) -> Mono.fromRunnable(() -> observe(check, state, ex)))
			.then();
	}

	private void observe(HealthCheck check, BackendState state, @Nullable Throwable error) {
		boolean success = error == null;
		if (!state.observe(success, check.threshold(success))) {
			return;
		}
		if (success) {
			logger.info("Backend {} of upstream {} becomes healthy", state.backend(), this.name);
		}
		else {
			logger.warn("Backend {} of upstream {} becomes unhealthy: {}", state.backend(), this.name, describe(error));
		}
		try {
			check.statusChanged(state.backend(), success);
		}
		catch (RuntimeException ex) {
			logger.warn("Health-check callback failed for backend {}", state.backend(), ex);
		}
	}

	private static String describe(@Nullable Throwable error) {
		if (error == null) {
			return "";
		}
		String message = error.getMessage();
		return error.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * Run discovery and health checks once, then keep running them every interval until
	 * {@link #stop()}.
	 * @return a {@code Mono} that completes after the first round
	 */
	@Override
	public Mono<Void> start() {
		synchronized (this) {
			if (this.tasks != null) {
				return Mono.empty();
			}
			this.tasks = Disposables.composite();
		}
		return update().onErrorResume((ex) -> {
			logger.warn("Upstream {}: discovery failed, keeping backends {}: {}", this.name, this.generation.backends,
					describe(ex));
			return Mono.empty();
		}).then(Mono.defer(this::runHealthChecks)).doFinally((signal) -> schedule());
	}

	private synchronized void schedule() {
		if (!(this.tasks instanceof Disposable.Composite composite) || composite.isDisposed()) {
			return;
		}
		Duration update = this.updateInterval;
		if (update != null) {
			composite.add(Flux.interval(update, update)
				.onBackpressureDrop()
				.concatMap((tick) -> update().timeout(update).onErrorResume((ex) -> {
					logger.warn("Upstream {}: discovery failed, keeping backends {}: {}", this.name,
							this.generation.backends, describe(ex));
					return Mono.empty();
				}), 1)
				.subscribe());
		}
		Duration health = this.healthCheckInterval;
		if (this.healthCheck != null && health != null) {
			composite.add(Flux.interval(health, health)
				.onBackpressureDrop()
				.concatMap((tick) -> runHealthChecks(), 1)
				.subscribe());
		}
	}

	@Override
	public synchronized void stop() {
		Disposable running = this.tasks;
		if (running != null) {
			running.dispose();
			this.tasks = null;
		}
	}

	@Override
	public String name() {
		return "load balancer " + this.name;
	}

	/**
	 * Be told of every new snapshot of backends (after discovery changed the set).
	 * Listeners run on the discovery thread and must not block.
	 * @param listener the listener
	 */
	public void onUpdate(Consumer<Backends> listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * Return the current snapshot of backends.
	 * @return the backends
	 */
	public Backends backends() {
		return this.generation.backends;
	}

	/**
	 * Return the selection.
	 * @return the selection
	 */
	public BackendSelection selection() {
		return this.selection;
	}

	/**
	 * Return the active health check.
	 * @return the health check, or {@code null} if there is none
	 */
	public @Nullable HealthCheck healthCheck() {
		return this.healthCheck;
	}

	/**
	 * Return the passive health-check settings.
	 * @return the settings, or {@code null} if passive checks are off
	 */
	public @Nullable PassiveHealthCheck passiveHealthCheck() {
		return this.passiveHealthCheck;
	}

	@Override
	public String toString() {
		return "LoadBalancer " + this.name + " (" + this.selection.name() + ") " + this.generation.backends;
	}

	private record Generation(Backends backends, BackendSelection.Selector selector) {
	}

	/**
	 * Builds a {@link LoadBalancer}.
	 */
	public static final class Builder {

		private String name = "upstream";

		private @Nullable ServiceDiscovery discovery;

		private BackendSelection selection = BackendSelection.roundRobin();

		private @Nullable HealthCheck healthCheck;

		private @Nullable Duration healthCheckInterval;

		private boolean parallelHealthCheck = true;

		private @Nullable Duration updateInterval;

		private @Nullable PassiveHealthCheck passiveHealthCheck;

		private Ticker ticker = Ticker.system();

		private Builder() {
		}

		/**
		 * Name the upstream, for logs.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = Objects.requireNonNull(name, "name");
			return this;
		}

		/**
		 * Use a fixed set of backends.
		 * @param backends the backends
		 * @return this builder
		 */
		public Builder backends(Collection<Backend> backends) {
			return discovery(ServiceDiscovery.of(backends));
		}

		/**
		 * Learn the backends from a discovery. Static discovery fills the balancer at
		 * once; any other fills it on {@link LoadBalancer#start()} or
		 * {@link LoadBalancer#update()}.
		 * @param discovery the discovery
		 * @return this builder
		 */
		public Builder discovery(ServiceDiscovery discovery) {
			this.discovery = Objects.requireNonNull(discovery, "discovery");
			return this;
		}

		/**
		 * Run discovery again every interval.
		 * @param interval the interval, or {@code null} to discover once at start
		 * @return this builder
		 */
		public Builder updateInterval(@Nullable Duration interval) {
			this.updateInterval = positiveOrNull("updateInterval", interval);
			return this;
		}

		/**
		 * Set how to pick among backends.
		 * @param selection the selection; round robin by default
		 * @return this builder
		 */
		public Builder selection(BackendSelection selection) {
			this.selection = Objects.requireNonNull(selection, "selection");
			return this;
		}

		/**
		 * Check backends actively.
		 * @param healthCheck the check, or {@code null} for none
		 * @param interval how often to run it, or {@code null} to run it once at start
		 * @return this builder
		 */
		public Builder healthCheck(@Nullable HealthCheck healthCheck, @Nullable Duration interval) {
			this.healthCheck = healthCheck;
			this.healthCheckInterval = positiveOrNull("interval", interval);
			return this;
		}

		/**
		 * Check all backends at once (the default) or one after the other.
		 * @param parallel whether to check in parallel
		 * @return this builder
		 */
		public Builder parallelHealthCheck(boolean parallel) {
			this.parallelHealthCheck = parallel;
			return this;
		}

		/**
		 * Eject backends that keep failing on real traffic.
		 * @param passive the settings, or {@code null} for no passive checks
		 * @return this builder
		 */
		public Builder passiveHealthCheck(@Nullable PassiveHealthCheck passive) {
			this.passiveHealthCheck = passive;
			return this;
		}

		/**
		 * Set the clock of passive ejection.
		 * @param ticker the ticker; the system's by default
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker");
			return this;
		}

		/**
		 * Build the load balancer.
		 * @return the load balancer
		 * @throws IllegalStateException if no backends or discovery were set
		 */
		public LoadBalancer build() {
			if (this.discovery == null) {
				throw new IllegalStateException(
						"discovery: none (expected: backends(..) or discovery(..) on LoadBalancer.builder())");
			}
			return new LoadBalancer(this);
		}

		private static @Nullable Duration positiveOrNull(String name, @Nullable Duration duration) {
			if (duration != null && (duration.isNegative() || duration.isZero())) {
				throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0, or null)");
			}
			return duration;
		}

	}

}
