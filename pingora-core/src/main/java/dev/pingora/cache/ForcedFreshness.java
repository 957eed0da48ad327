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

package dev.pingora.cache;

/**
 * What {@code cacheHitFilter} may make of a stored response, whatever its natural
 * freshness.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::ForcedFreshness}.
 *
 * @since 0.1.0
 */
public enum ForcedFreshness {

	/**
	 * Treat it as stale, and never serve it stale: it is revalidated.
	 */
	FORCE_EXPIRED,

	/**
	 * Ignore it: the request is a miss.
	 */
	FORCE_MISS,

	/**
	 * Serve it as fresh.
	 */
	FORCE_FRESH

}
