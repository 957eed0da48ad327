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

package dev.pingora.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.pingora.lb.BackendState;
import dev.pingora.lb.Backends;
import dev.pingora.lb.LoadBalancer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds per-upstream and per-backend meters of {@link LoadBalancer}s: backends by
 * readiness, and each backend's requests, failures, ejections, requests in progress and
 * readiness. Follows discovery: meters of a backend that goes are removed, those of a new
 * one added.
 *
 * @since 0.1.0
 * @see PingoraMeters
 */
public final class LoadBalancerMetrics implements MeterBinder {

	private final Map<String, LoadBalancer> loadBalancers;

	/**
	 * Create the binder.
	 * @param loadBalancers the load balancers by upstream name
	 */
	public LoadBalancerMetrics(Map<String, LoadBalancer> loadBalancers) {
		this.loadBalancers = new LinkedHashMap<>(Objects.requireNonNull(loadBalancers, "loadBalancers"));
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.loadBalancers.forEach((name, balancer) -> bind(registry, name, balancer));
	}

	private static void bind(MeterRegistry registry, String upstream, LoadBalancer balancer) {
		Tags tags = Tags.of(PingoraMeters.Tag.UPSTREAM.key(), upstream);
		for (boolean ready : new boolean[] { true, false }) {
			Gauge.builder(PingoraMeters.UPSTREAM_BACKENDS.meterName(), balancer, (lb) -> count(lb, ready))
				.description("Backends of the upstream by readiness")
				.tags(tags.and(PingoraMeters.Tag.STATE.key(), ready ? "ready" : "unready"))
				.register(registry);
		}
		BackendMeters meters = new BackendMeters(registry, tags, balancer);
		// Listen first: an update between the two calls is then seen by the listener.
		balancer.onUpdate(meters::update);
		meters.update(balancer.backends());
	}

	private static double count(LoadBalancer balancer, boolean ready) {
		int count = 0;
		for (BackendState state : balancer.backends().states()) {
			if (balancer.isReady(state.backend()) == ready) {
				count++;
			}
		}
		return count;
	}

	/**
	 * The meters of each backend of one load balancer.
	 */
	private static final class BackendMeters {

		private final MeterRegistry registry;

		private final Tags tags;

		private final LoadBalancer balancer;

		private final Map<BackendState, List<Meter>> meters = new HashMap<>();

		BackendMeters(MeterRegistry registry, Tags tags, LoadBalancer balancer) {
			this.registry = registry;
			this.tags = tags;
			this.balancer = balancer;
		}

		synchronized void update(Backends backends) {
			Set<BackendState> current = new HashSet<>(backends.states());
			this.meters.entrySet().removeIf((entry) -> {
				if (current.contains(entry.getKey())) {
					return false;
				}
				entry.getValue().forEach(this.registry::remove);
				return true;
			});
			for (BackendState state : backends.states()) {
				this.meters.computeIfAbsent(state, this::register);
			}
		}

		private List<Meter> register(BackendState state) {
			Tags backendTags = this.tags.and(PingoraMeters.Tag.BACKEND.key(), state.backend().address());
			List<Meter> registered = new ArrayList<>();
			registered
				.add(FunctionCounter.builder(PingoraMeters.BACKEND_REQUESTS.meterName(), state, BackendState::requests)
					.description("Requests sent to the backend")
					.tags(backendTags)
					.register(this.registry));
			registered
				.add(FunctionCounter.builder(PingoraMeters.BACKEND_FAILURES.meterName(), state, BackendState::failures)
					.description("Requests to the backend that failed because of it")
					.tags(backendTags)
					.register(this.registry));
			registered.add(
					FunctionCounter.builder(PingoraMeters.BACKEND_EJECTIONS.meterName(), state, BackendState::ejections)
						.description("Passive ejections of the backend")
						.tags(backendTags)
						.register(this.registry));
			registered.add(Gauge.builder(PingoraMeters.BACKEND_INFLIGHT.meterName(), state, BackendState::inflight)
				.description("Requests in progress on the backend")
				.tags(backendTags)
				.register(this.registry));
			LoadBalancer lb = this.balancer;
			registered.add(Gauge
				.builder(PingoraMeters.BACKEND_READY.meterName(), state, (s) -> lb.isReady(s.backend()) ? 1 : 0)
				.description("1 if the backend is ready (healthy, enabled, not ejected), 0 if not")
				.tags(backendTags)
				.register(this.registry));
			return registered;
		}

	}

}
