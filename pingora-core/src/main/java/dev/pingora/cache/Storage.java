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

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Where the HTTP cache keeps responses. Implementations must be safe for concurrent use
 * from event loops and must not block: {@link MemoryStorage} is the default.
 *
 * <p>
 * A fill is streamed: {@link #startFill} makes the entry visible to lookups at once, and
 * a reader that finds an entry still being written reads what is there and then waits for
 * the rest, instead of going to the origin too.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::storage::Storage} with {@code HandleHit} and
 * {@code HandleMiss}.
 *
 * @since 0.1.0
 */
public interface Storage {

	/**
	 * Look a response up.
	 * @param key the key (with its variance, if any)
	 * @return the stored response, or {@code null} if there is none
	 */
	@Nullable Hit lookup(CacheKey key);

	/**
	 * Start storing a response; it replaces what the key held.
	 * @param key the key
	 * @param meta the response's meta
	 * @return the handle to write the body with, or {@code null} if the storage declines
	 * (the response is larger than it takes, say)
	 */
	@Nullable Fill startFill(CacheKey key, CacheMeta meta);

	/**
	 * Replace a stored response's meta (after a revalidation), keeping its body.
	 * @param key the key
	 * @param meta the new meta
	 * @return whether the key held a response
	 */
	boolean updateMeta(CacheKey key, CacheMeta meta);

	/**
	 * Remove a stored response. Removing a primary key (no variance) removes the variants
	 * stored under it too.
	 * @param key the key
	 * @return whether the key held a response
	 */
	boolean purge(CacheKey key);

	/**
	 * A stored response.
	 */
	interface Hit {

		/**
		 * Return the response's meta.
		 * @return the meta
		 */
		CacheMeta meta();

		/**
		 * Whether the whole body is stored (not still being filled).
		 * @return {@code true} if complete
		 */
		boolean isComplete();

		/**
		 * Return the body's length, when known.
		 * @return the length in bytes, or -1 while a fill of unknown length is under way
		 */
		long length();

		/**
		 * Read the body, or part of it.
		 * @param from the first byte
		 * @param to the byte after the last one, or -1 for the end
		 * @return the chunks; each is the subscriber's to release. Errors if the fill
		 * fails before the range is complete.
		 */
		Flux<ByteBuf> body(long from, long to);

	}

	/**
	 * A response being stored. Only one thread writes at a time.
	 */
	interface Fill {

		/**
		 * Add body bytes. The storage copies what it keeps; the caller still owns the
		 * buffer.
		 * @param chunk the bytes
		 * @return {@code false} if the storage gave up on this response (it grew past the
		 * largest object size), after which writes are ignored
		 */
		boolean write(ByteBuf chunk);

		/**
		 * The body is complete.
		 */
		void finish();

		/**
		 * The response will not be complete (the origin failed): it is removed, and its
		 * readers get an error.
		 * @param cause why
		 */
		void abort(Throwable cause);

	}

}
