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

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The default {@link Storage}: responses on the heap in a Caffeine cache weighed by their
 * bytes (body, header fields and bookkeeping), evicted by Caffeine's W-TinyLFU policy
 * once the total passes the maximum size. Responses larger than the largest object size
 * are not kept. Fills stream: an entry is visible from its first byte, and its readers
 * follow the writer.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::memory::MemCache} with an eviction manager
 * (TinyUFO there).
 *
 * @since 0.1.0
 */
public final class MemoryStorage implements Storage {

	private static final int CHUNK_OVERHEAD = 48;

	private static final long REWEIGH_EVERY = 1024 * 1024;

	private final Cache<CacheKey, Entry> entries;

	private final long maxObjectSize;

	private final boolean offHeap;

	private final LongAdder evictions = new LongAdder();

	/**
	 * The variant keys stored under each primary key, so that purging the primary removes
	 * them too.
	 */
	private final Map<String, Set<CacheKey>> variants = new ConcurrentHashMap<>();

	/**
	 * Create a storage.
	 * @param maxSize the most bytes to keep, at least 1
	 * @param maxObjectSize the largest response body to keep, in bytes, at least 1
	 */
	public MemoryStorage(long maxSize, long maxObjectSize) {
		this(maxSize, maxObjectSize, false);
	}

	/**
	 * Create a storage, with the bodies on the heap or off it.
	 * @param maxSize the most bytes to keep, at least 1
	 * @param maxObjectSize the largest response body to keep, in bytes, at least 1
	 * @param offHeap whether bodies are kept in direct memory ({@code ByteBuffer}s freed
	 * with them): hits are then written to the socket without a copy, but they count
	 * against {@code -XX:MaxDirectMemorySize}, not the heap
	 */
	public MemoryStorage(long maxSize, long maxObjectSize, boolean offHeap) {
		if (maxSize < 1) {
			throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 1)");
		}
		if (maxObjectSize < 1) {
			throw new IllegalArgumentException("maxObjectSize: " + maxObjectSize + " (expected: >= 1)");
		}
		this.maxObjectSize = maxObjectSize;
		this.offHeap = offHeap;
		this.entries = Caffeine.newBuilder()
			.maximumWeight(maxSize)
			.weigher((CacheKey key, Entry entry) -> entry.weight())
			.executor(Runnable::run)
			.removalListener((CacheKey key, Entry entry, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
				if (cause.wasEvicted()) {
					this.evictions.increment();
				}
				if (key != null && key.variance() != null
						&& cause != com.github.benmanes.caffeine.cache.RemovalCause.REPLACED) {
					forgetVariant(key);
				}
			})
			.build();
	}

	@Override
	public @Nullable Hit lookup(CacheKey key) {
		return this.entries.getIfPresent(key);
	}

	@Override
	public @Nullable Fill startFill(CacheKey key, CacheMeta meta) {
		if (CacheMeta.declaredLength(meta.headers()) > this.maxObjectSize) {
			// Declared larger than the largest object: not even started.
			return null;
		}
		Entry entry = new Entry(this, key, meta);
		if (key.variance() != null) {
			this.variants.computeIfAbsent(key.primary(), (primary) -> ConcurrentHashMap.newKeySet()).add(key);
		}
		this.entries.put(key, entry);
		return entry;
	}

	@Override
	public boolean updateMeta(CacheKey key, CacheMeta meta) {
		Entry entry = this.entries.getIfPresent(key);
		if (entry == null) {
			return false;
		}
		entry.meta = meta;
		reweigh(entry);
		return true;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Purging a primary key (no variance) removes its variants too.
	 */
	@Override
	public boolean purge(CacheKey key) {
		boolean removed = remove(key);
		if (key.variance() == null) {
			Set<CacheKey> variantKeys = this.variants.remove(key.primary());
			if (variantKeys != null) {
				for (CacheKey variant : variantKeys) {
					removed |= remove(variant);
				}
			}
		}
		return removed;
	}

	private boolean remove(CacheKey key) {
		Entry removed = this.entries.asMap().remove(key);
		if (removed != null) {
			removed.abort(new IllegalStateException("purged while being stored"));
		}
		return removed != null;
	}

	private void forgetVariant(CacheKey key) {
		this.variants.computeIfPresent(key.primary(), (primary, keys) -> {
			keys.remove(key);
			return keys.isEmpty() ? null : keys;
		});
	}

	/**
	 * Return the number of stored responses.
	 * @return the count (eviction may lag behind by a little)
	 */
	public long size() {
		this.entries.cleanUp();
		return this.entries.estimatedSize();
	}

	/**
	 * Return the bytes stored, as weighed.
	 * @return the weighed size
	 */
	public long weightedSize() {
		this.entries.cleanUp();
		return this.entries.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0)).orElse(0L);
	}

	/**
	 * Return how many responses were evicted for room.
	 * @return the count
	 */
	public long evictions() {
		return this.evictions.sum();
	}

	/**
	 * Memory for a chunk of body.
	 * @return the buffer, or {@code null} when direct memory is exhausted
	 */
	private @Nullable ByteBuffer allocate(int size) {
		if (!this.offHeap) {
			return ByteBuffer.allocate(size);
		}
		try {
			return ByteBuffer.allocateDirect(size);
		}
		catch (OutOfMemoryError ex) {
			return null;
		}
	}

	/**
	 * A read of stored bytes: a view, no copy; releasing it frees nothing.
	 */
	private static ByteBuf slice(ByteBuffer chunk, int offset, int length) {
		return Unpooled.wrappedBuffer(chunk.duplicate().position(offset).limit(offset + length));
	}

	private void reweigh(Entry entry) {
		this.entries.asMap().replace(entry.key, entry, entry);
	}

	private void remove(Entry entry) {
		this.entries.asMap().remove(entry.key, entry);
	}

	private static final class Entry implements Hit, Fill {

		private final MemoryStorage storage;

		private final CacheKey key;

		private volatile CacheMeta meta;

		private final List<ByteBuffer> chunks = new ArrayList<>();

		private final List<Reader> readers = new CopyOnWriteArrayList<>();

		private long length;

		private long weighedAt;

		private volatile boolean complete;

		private volatile @Nullable Throwable failure;

		Entry(MemoryStorage storage, CacheKey key, CacheMeta meta) {
			this.storage = storage;
			this.key = key;
			this.meta = meta;
		}

		synchronized int weight() {
			long weight = this.meta.weight() + this.length + (long) this.chunks.size() * CHUNK_OVERHEAD;
			return (int) Math.min(Integer.MAX_VALUE, weight);
		}

		@Override
		public CacheMeta meta() {
			return this.meta;
		}

		@Override
		public boolean isComplete() {
			return this.complete;
		}

		@Override
		public synchronized long length() {
			return this.complete ? this.length : -1;
		}

		@Override
		public Flux<ByteBuf> body(long from, long to) {
			if (this.complete) {
				// The common case of a hit: everything is there, no reader to follow the
				// fill.
				return Flux.defer(() -> Flux.fromArray(slices(from, to)));
			}
			return Flux.create((sink) -> {
				Reader reader = new Reader(this, sink, from, to);
				this.readers.add(reader);
				sink.onRequest((n) -> reader.drain());
				sink.onDispose(() -> this.readers.remove(reader));
			});
		}

		@Override
		public boolean write(ByteBuf chunk) {
			if (this.complete || this.failure != null) {
				return false;
			}
			int size = chunk.readableBytes();
			if (size == 0) {
				return true;
			}
			boolean reweigh = false;
			String refused = null;
			synchronized (this) {
				if (this.length + size > this.storage.maxObjectSize) {
					refused = "response larger than the largest object size (" + this.storage.maxObjectSize + " bytes)";
				}
				else {
					ByteBuffer bytes = this.storage.allocate(size);
					if (bytes == null) {
						refused = "no direct memory left for the response";
					}
					else {
						chunk.getBytes(chunk.readerIndex(), bytes);
						bytes.clear();
						this.chunks.add(bytes);
						this.length += size;
						reweigh = this.length - this.weighedAt >= REWEIGH_EVERY;
						if (reweigh) {
							this.weighedAt = this.length;
						}
					}
				}
			}
			if (refused != null) {
				abort(new IllegalStateException(refused));
				return false;
			}
			if (reweigh) {
				this.storage.reweigh(this);
			}
			notifyReaders();
			return true;
		}

		@Override
		public void finish() {
			if (this.failure != null) {
				return;
			}
			this.complete = true;
			this.storage.reweigh(this);
			notifyReaders();
		}

		@Override
		public void abort(Throwable cause) {
			// Readers of a complete entry keep reading what they hold; readers of one
			// still being filled will not see its end.
			if (!this.complete) {
				this.failure = cause;
			}
			this.storage.remove(this);
			notifyReaders();
		}

		private void notifyReaders() {
			for (Reader reader : this.readers) {
				reader.drain();
			}
		}

		private synchronized ByteBuf[] slices(long from, long to) {
			long end = (to >= 0) ? Math.min(to, this.length) : this.length;
			List<ByteBuf> slices = new ArrayList<>(this.chunks.size());
			long chunkStart = 0;
			for (ByteBuffer chunk : this.chunks) {
				long chunkEnd = chunkStart + chunk.capacity();
				long first = Math.max(from, chunkStart);
				long last = Math.min(end, chunkEnd);
				if (first < last) {
					slices.add(slice(chunk, (int) (first - chunkStart), (int) (last - first)));
				}
				chunkStart = chunkEnd;
			}
			return slices.toArray(new ByteBuf[0]);
		}

		synchronized @Nullable ByteBuffer chunk(int index) {
			return (index < this.chunks.size()) ? this.chunks.get(index) : null;
		}

	}

	/**
	 * One reader of an entry, possibly ahead of its fill.
	 */
	private static final class Reader {

		private final Entry entry;

		private final FluxSink<ByteBuf> sink;

		private final long to;

		private long position;

		private int index;

		private long chunkStart;

		private boolean done;

		Reader(Entry entry, FluxSink<ByteBuf> sink, long from, long to) {
			this.entry = entry;
			this.sink = sink;
			this.position = from;
			this.to = to;
		}

		synchronized void drain() {
			while (!this.done) {
				if (this.to >= 0 && this.position >= this.to) {
					finish();
					return;
				}
				// The fill's state before its chunks: a fill that ends after the chunk
				// lookup is seen as not ended yet, never as ended early.
				boolean complete = this.entry.complete;
				Throwable failure = this.entry.failure;
				ByteBuffer chunk = this.entry.chunk(this.index);
				if (chunk == null) {
					if (failure != null) {
						this.done = true;
						this.sink.error(failure);
					}
					else if (complete) {
						finish();
					}
					return;
				}
				long chunkEnd = this.chunkStart + chunk.capacity();
				if (this.position >= chunkEnd) {
					this.index++;
					this.chunkStart = chunkEnd;
					continue;
				}
				if (this.sink.requestedFromDownstream() == 0) {
					return;
				}
				long end = (this.to >= 0) ? Math.min(chunkEnd, this.to) : chunkEnd;
				int offset = (int) (this.position - this.chunkStart);
				int length = (int) (end - this.position);
				this.position = end;
				this.sink.next(slice(chunk, offset, length));
			}
		}

		private void finish() {
			this.done = true;
			this.sink.complete();
		}

	}

}
