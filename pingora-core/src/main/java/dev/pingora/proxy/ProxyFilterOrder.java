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

package dev.pingora.proxy;

/**
 * Order values for {@link ProxyFilter}s, lowest first (outermost), with gaps for filters
 * of your own. In a Spring application use them with {@code @Order}.
 *
 * @since 0.1.0
 */
public final class ProxyFilterOrder {

	/** Metrics: outermost, so that they see every request and every outcome. */
	public static final int METRICS = -10_000;

	/** Where access control belongs. */
	public static final int SECURITY = -1_000;

	/** Where rate and concurrency limits belong. */
	public static final int RATE_LIMIT = 1_000;

	/**
	 * For filters with no particular place. A filter bean without any {@code @Order}
	 * sorts after every ordered one (Spring's lowest precedence), so it runs innermost.
	 */
	public static final int DEFAULT = 10_000;

	private ProxyFilterOrder() {
	}

}
