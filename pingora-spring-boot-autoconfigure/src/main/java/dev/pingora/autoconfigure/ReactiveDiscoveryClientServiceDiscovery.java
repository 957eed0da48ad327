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

package dev.pingora.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import dev.pingora.lb.Backend;
import dev.pingora.lb.ServiceDiscovery;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * A {@link ServiceDiscovery} over Spring Cloud's {@link ReactiveDiscoveryClient}: the
 * backends of a service are its instances' host and port, weighted by the instance
 * metadata {@code weight} when it holds a positive integer.
 *
 * @since 0.1.0
 */
public final class ReactiveDiscoveryClientServiceDiscovery implements ServiceDiscovery {

	/** The instance metadata key read as the backend's weight. */
	public static final String WEIGHT = "weight";

	private static final Logger logger = LoggerFactory.getLogger(ReactiveDiscoveryClientServiceDiscovery.class);

	private final ReactiveDiscoveryClient client;

	private final String serviceId;

	/**
	 * Create the discovery of one service.
	 * @param client the discovery client
	 * @param serviceId the service id
	 */
	public ReactiveDiscoveryClientServiceDiscovery(ReactiveDiscoveryClient client, String serviceId) {
		this.client = Objects.requireNonNull(client, "client");
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
	}

	@Override
	public Mono<Collection<Backend>> discover() {
		return this.client.getInstances(this.serviceId).mapNotNull(this::backend).collectList().map(this::checked);
	}

	private Collection<Backend> checked(List<Backend> backends) {
		if (backends.isEmpty()) {
			logger.warn("Spring Cloud discovery lists no instance of service '{}'", this.serviceId);
		}
		return backends;
	}

	private @Nullable Backend backend(ServiceInstance instance) {
		Backend backend;
		try {
			backend = Backend.of(instance.getHost(), instance.getPort());
		}
		catch (RuntimeException ex) {
			// One bad instance must not hold back the others.
			logger.warn("Instance {} of service '{}' skipped: {}", instance.getInstanceId(), this.serviceId,
					ex.getMessage());
			return null;
		}
		String weight = (instance.getMetadata() != null) ? instance.getMetadata().get(WEIGHT) : null;
		if (weight == null) {
			return backend;
		}
		try {
			return backend.withWeight(Integer.parseInt(weight.trim()));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Instance {} of service '{}' has metadata weight '{}', not a positive integer; using 1",
					backend, this.serviceId, weight);
			return backend;
		}
	}

	@Override
	public String toString() {
		return "spring-cloud discovery of " + this.serviceId;
	}

}
