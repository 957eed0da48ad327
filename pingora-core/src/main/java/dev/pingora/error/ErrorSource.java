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

package dev.pingora.error;

/**
 * Which side of the proxy an error came from. It decides the default status code of the
 * error response (see {@code ProxyHttp#failToProxy}).
 *
 * <p>
 * Pingora counterpart: {@code pingora_error::ErrorSource}.
 *
 * @since 0.1.0
 */
public enum ErrorSource {

	/**
	 * The error came from the upstream (origin) side: connecting to it, writing to it or
	 * reading its response. Maps to 502, or 504 for timeouts.
	 */
	UPSTREAM,

	/**
	 * The error came from the downstream (client) side: a malformed request or a client
	 * that went away. Maps to 400, or to no response at all when the client is gone.
	 */
	DOWNSTREAM,

	/**
	 * The error came from the proxy itself, for example from a user phase. Maps to 500.
	 */
	INTERNAL,

	/**
	 * The source was not set. Maps to 500.
	 */
	UNSET

}
