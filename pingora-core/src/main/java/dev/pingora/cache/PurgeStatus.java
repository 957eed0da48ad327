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
 * The outcome of a purge request.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::PurgeStatus}.
 *
 * @since 0.1.0
 */
public enum PurgeStatus {

	/**
	 * Caching is not enabled for the request: 405.
	 */
	NO_CACHE(405),

	/**
	 * The key held a response, now removed: 200.
	 */
	FOUND(200),

	/**
	 * The key held nothing: 404.
	 */
	NOT_FOUND(404),

	/**
	 * The storage failed: 500.
	 */
	ERROR(500);

	private final int status;

	PurgeStatus(int status) {
		this.status = status;
	}

	/**
	 * Return the status of the purge response.
	 * @return the HTTP status
	 */
	public int status() {
		return this.status;
	}

}
