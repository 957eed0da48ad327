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

package dev.pingora.time;

/**
 * The source of time for the engine: a monotonic clock in nanoseconds. Every timing the
 * engine records (see {@code TimingDigest}) comes from one {@code Ticker}, so tests can
 * use a fake one.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Ticker {

	/**
	 * Return the current time in nanoseconds from an arbitrary origin; only differences
	 * between two readings are meaningful.
	 * @return the time in nanoseconds
	 */
	long read();

	/**
	 * Return the system ticker, backed by {@link System#nanoTime()}.
	 * @return the system ticker
	 */
	static Ticker system() {
		return SystemTicker.INSTANCE;
	}

}
