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

package dev.pingora.upstream;

/**
 * Which HTTP versions to offer an upstream, in order of preference.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::protocols::ALPN}.
 *
 * @since 0.1.0
 */
public enum Alpn {

	/** HTTP/1.1 only. The default. */
	H1,

	/** HTTP/2 only. */
	H2,

	/** HTTP/2 preferred, HTTP/1.1 accepted. */
	H2_H1

}
