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

import dev.pingora.lb.ServiceDiscovery;

/**
 * Makes the {@link ServiceDiscovery} of upstreams configured with
 * {@code discovery: spring-cloud}. Auto-configured over Spring Cloud's
 * {@code ReactiveDiscoveryClient} when spring-cloud-commons is present; declare a bean of
 * your own to discover backends elsewhere.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ServiceDiscoveryFactory {

	/**
	 * Return the discovery of one service.
	 * @param serviceId the service id
	 * @return the discovery
	 * @throws IllegalStateException if discovery is not available
	 */
	ServiceDiscovery create(String serviceId);

}
