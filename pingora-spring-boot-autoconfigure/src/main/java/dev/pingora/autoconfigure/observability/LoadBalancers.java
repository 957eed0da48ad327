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

package dev.pingora.autoconfigure.observability;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pingora.autoconfigure.PingoraUpstreams;
import dev.pingora.lb.LoadBalancer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Names every load balancer of the application for Actuator: those of
 * {@code pingora.upstreams} by upstream name, any other {@link LoadBalancer} bean by its
 * bean name.
 */
final class LoadBalancers {

	private LoadBalancers() {
	}

	static Map<String, LoadBalancer> named(@Nullable PingoraUpstreams upstreams, ListableBeanFactory beans) {
		Map<String, LoadBalancer> named = new LinkedHashMap<>();
		Map<LoadBalancer, Boolean> seen = new IdentityHashMap<>();
		if (upstreams != null) {
			upstreams.loadBalancers().forEach((name, balancer) -> {
				named.put(name, balancer);
				seen.put(balancer, true);
			});
		}
		beans.getBeansOfType(LoadBalancer.class).forEach((name, balancer) -> {
			if (seen.put(balancer, true) == null) {
				named.put(name, balancer);
			}
		});
		return named;
	}

}
