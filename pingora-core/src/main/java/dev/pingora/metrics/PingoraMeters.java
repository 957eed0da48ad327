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

/**
 * The meters the engine records. Names are Micrometer's dotted names; Prometheus shows
 * them with underscores and a unit suffix ({@code pingora_requests_seconds_count}).
 *
 * @since 0.1.0
 */
public enum PingoraMeters {

	/**
	 * Timer of every request from header to {@code logging}, with a percentile histogram.
	 * Tags: {@code route}, {@code upstream}, {@code method}, {@code status}.
	 */
	REQUESTS("pingora.requests"),

	/**
	 * Timer of establishing new upstream connections (from peer selection to connected).
	 * Tag: {@code upstream}.
	 */
	UPSTREAM_CONNECT("pingora.upstream.connect"),

	/**
	 * Timer from the upstream request being sent to the first byte of its response. Tag:
	 * {@code upstream}.
	 */
	UPSTREAM_FIRST_BYTE("pingora.upstream.first.byte"),

	/**
	 * Gauge of an upstream's backends by readiness. Tags: {@code upstream}, {@code state}
	 * ({@code ready} or {@code unready}).
	 */
	UPSTREAM_BACKENDS("pingora.upstream.backends"),

	/**
	 * Counter of the requests sent to a backend (each attempt counts). Tags:
	 * {@code upstream}, {@code backend}.
	 */
	BACKEND_REQUESTS("pingora.backend.requests"),

	/**
	 * Counter of the requests to a backend that failed because of it (connect failures,
	 * timeouts, connections lost). Tags: {@code upstream}, {@code backend}.
	 */
	BACKEND_FAILURES("pingora.backend.failures"),

	/**
	 * Counter of a backend's passive ejections. Tags: {@code upstream}, {@code backend}.
	 */
	BACKEND_EJECTIONS("pingora.backend.ejections"),

	/**
	 * Gauge of a backend's requests in progress. Tags: {@code upstream}, {@code backend}.
	 */
	BACKEND_INFLIGHT("pingora.backend.inflight"),

	/**
	 * Gauge of a backend's health: 1 if ready (healthy, enabled, not ejected), 0 if not.
	 * Tags: {@code upstream}, {@code backend}.
	 */
	BACKEND_READY("pingora.backend.ready"),

	/**
	 * Counter of the requests that used the cache, by how they ended. Tags: {@code phase}
	 * ({@code hit}, {@code miss}, {@code stale}, {@code stale-updating}, {@code expired},
	 * {@code revalidated}, {@code revalidated-no-cache}, {@code disabled},
	 * {@code bypass}).
	 */
	CACHE_REQUESTS("pingora.cache.requests"),

	/**
	 * Counter of the waits for the cache lock (a miss that waited for another request to
	 * fill the cache).
	 */
	CACHE_LOCK_WAITS("pingora.cache.lock.waits"),

	/**
	 * Counter of purges that removed a stored response.
	 */
	CACHE_PURGES("pingora.cache.purges"),

	/**
	 * Gauge of the stored responses (memory storage).
	 */
	CACHE_ENTRIES("pingora.cache.entries"),

	/**
	 * Gauge of the bytes stored, bodies and header fields (memory storage).
	 */
	CACHE_BYTES("pingora.cache.bytes"),

	/**
	 * Counter of the stored responses evicted to make room (memory storage).
	 */
	CACHE_EVICTIONS("pingora.cache.evictions");

	private final String meterName;

	PingoraMeters(String meterName) {
		this.meterName = meterName;
	}

	/**
	 * Return the meter name.
	 * @return the name
	 */
	public String meterName() {
		return this.meterName;
	}

	/**
	 * The tag keys and the values they take. Every value set is bounded: routes and
	 * upstreams come from configuration, methods are the standard ones or {@code OTHER},
	 * statuses are classes.
	 */
	public enum Tag {

		/** The route id, or {@code none}. */
		ROUTE("route"),

		/** The upstream name, or {@code none}. */
		UPSTREAM("upstream"),

		/** The request method: a standard method or {@code OTHER}. */
		METHOD("method"),

		/**
		 * The status class of the response ({@code 2xx} ... {@code 5xx}), or
		 * {@code none}.
		 */
		STATUS("status"),

		/** A backend's {@code host:port}. */
		BACKEND("backend"),

		/** A backend count's readiness: {@code ready} or {@code unready}. */
		STATE("state"),

		/** The cache phase a request ended in. */
		PHASE("phase");

		private final String key;

		Tag(String key) {
			this.key = key;
		}

		/**
		 * Return the tag key.
		 * @return the key
		 */
		public String key() {
			return this.key;
		}

	}

}
