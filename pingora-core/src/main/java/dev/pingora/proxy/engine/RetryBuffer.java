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

package dev.pingora.proxy.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;

/**
 * The downstream request body, read once and fed to one upstream attempt at a time,
 * keeping its first bytes so that a retry can replay them.
 *
 * <p>
 * Implementation notes. Chunks are numbered in arrival order. While the body read so far
 * fits in {@code limit} bytes every chunk is kept, and an attempt is a cursor into the
 * kept chunks: a retry starts again at chunk 0, then continues with chunks still to come
 * from the client. The first chunk that does not fit <em>truncates</em> the buffer:
 * chunks the current attempt has consumed are released, the rest wait in a plain queue,
 * and no later attempt may start (the body can no longer be replayed; Pingora's
 * {@code retry_buffer_truncated}). Demand flows from the attempt to the client connection
 * one-for-one, so the buffer holds no more than the attempt asked for beyond the kept
 * bytes, and a slow upstream slows the client down.
 *
 * <p>
 * The client side delivers chunks on its event loop and the attempt requests and cancels
 * on the upstream connection's loop. All signals go through one multi-producer queue and
 * are handled by whichever thread wins the drain loop (the usual Reactive Streams
 * queue-drain), so the state below is only ever touched by one thread at a time.
 */
final class RetryBuffer implements CoreSubscriber<ByteBuf> {

	private static final Object COMPLETE = new Object();

	private static final Object DISPOSE = new Object();

	private final Flux<ByteBuf> source;

	private final int limit;

	private final boolean copyChunks;

	private final Queue<Object> signals = Queues.unboundedMultiproducer().get();

	private final AtomicInteger wip = new AtomicInteger();

	private volatile boolean truncated;

	private volatile long bytesRead;

	// Touched only in the drain loop.

	private @Nullable Subscription upstream;

	private boolean sourceSubscribed;

	private final ArrayList<ByteBuf> kept = new ArrayList<>();

	private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();

	private long keptBytes;

	private long requested;

	private boolean done;

	private @Nullable Throwable error;

	private @Nullable Attempt current;

	private boolean disposed;

	RetryBuffer(Flux<ByteBuf> source, int limit) {
		this(source, limit, false);
	}

	RetryBuffer(Flux<ByteBuf> source, int limit, boolean copyChunks) {
		this.source = source;
		this.limit = limit;
		this.copyChunks = copyChunks;
	}

	/**
	 * Return the body for a new attempt: kept chunks first, then the rest as the client
	 * sends it. Subscribing detaches the previous attempt, if any.
	 */
	Flux<ByteBuf> attempt() {
		return new Flux<>() {
			@Override
			public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
				Attempt attempt = new Attempt(actual);
				offer(attempt);
				actual.onSubscribe(attempt);
				attempt.ready = true;
				drain();
			}
		};
	}

	/**
	 * Whether the body outgrew the buffer: a new attempt can no longer replay it.
	 */
	boolean isTruncated() {
		return this.truncated;
	}

	/**
	 * Return the number of body bytes read from the client so far.
	 */
	long bytesRead() {
		return this.bytesRead;
	}

	/**
	 * Release every kept chunk and stop reading the client's body.
	 */
	void dispose() {
		offer(DISPOSE);
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		offer(new Subscribed(subscription));
	}

	@Override
	public void onNext(ByteBuf chunk) {
		offer(chunk);
	}

	@Override
	public void onError(Throwable throwable) {
		offer(new Failed(UpstreamErrors.downstreamRead(throwable)));
	}

	@Override
	public void onComplete() {
		offer(COMPLETE);
	}

	private void offer(Object signal) {
		this.signals.offer(signal);
		drain();
	}

	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Object signal;
			while ((signal = this.signals.poll()) != null) {
				handle(signal);
			}
			emit();
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void handle(Object signal) {
		if (signal instanceof ByteBuf chunk) {
			received(chunk);
		}
		else if (signal instanceof Demand demand) {
			if (demand.attempt == this.current) {
				demand.attempt.demand = Operators.addCap(demand.attempt.demand, demand.n);
			}
		}
		else if (signal instanceof Cancel cancel) {
			if (cancel.attempt == this.current) {
				this.current = null;
			}
		}
		else if (signal instanceof Attempt attempt) {
			started(attempt);
		}
		else if (signal instanceof Subscribed subscribed) {
			this.upstream = subscribed.subscription;
			if (this.disposed) {
				subscribed.subscription.cancel();
			}
		}
		else if (signal == COMPLETE) {
			this.done = true;
		}
		else if (signal instanceof Failed failed) {
			this.done = true;
			this.error = failed.error;
		}
		else if (signal == DISPOSE) {
			disposeNow();
		}
	}

	private void started(Attempt attempt) {
		if (this.disposed || this.truncated) {
			// The retry was decided before the body outgrew the buffer: the request
			// cannot
			// go again, which is the upstream's failure, not the proxy's.
			attempt.failed = ProxyError.upstream(ErrorType.CONNECTION_CLOSED,
					"the request body outgrew the retry buffer and cannot be sent again", null);
		}
		this.current = attempt;
	}

	private void received(ByteBuf chunk) {
		this.requested--;
		if (this.disposed) {
			chunk.release();
			return;
		}
		this.bytesRead += chunk.readableBytes();
		if (!this.truncated && this.keptBytes + chunk.readableBytes() <= this.limit) {
			this.kept.add(chunk);
			this.keptBytes += chunk.readableBytes();
			return;
		}
		if (!this.truncated) {
			truncate();
		}
		this.queued.add(chunk);
	}

	private void truncate() {
		this.truncated = true;
		Attempt attempt = this.current;
		int consumed = (attempt != null) ? attempt.next : this.kept.size();
		for (int i = 0; i < this.kept.size(); i++) {
			ByteBuf chunk = this.kept.get(i);
			if (i < consumed) {
				chunk.release();
			}
			else {
				this.queued.add(chunk);
			}
		}
		this.kept.clear();
		this.keptBytes = 0;
	}

	private void emit() {
		Attempt attempt = this.current;
		if (attempt == null || !attempt.ready || this.disposed) {
			return;
		}
		if (attempt.cancelled) {
			this.current = null;
			return;
		}
		if (attempt.failed != null) {
			this.current = null;
			attempt.actual.onError(attempt.failed);
			return;
		}
		while (attempt.demand > 0) {
			ByteBuf next;
			if (!this.truncated) {
				if (attempt.next >= this.kept.size()) {
					break;
				}
				ByteBuf kept = this.kept.get(attempt.next++);
				// A phase may edit a chunk in place: it gets a copy, so a replay sends
				// the
				// bytes the client sent.
				next = this.copyChunks ? kept.copy() : kept.retainedDuplicate();
			}
			else {
				next = this.queued.poll();
				if (next == null) {
					break;
				}
			}
			attempt.demand--;
			attempt.actual.onNext(next);
			if (attempt.cancelled) {
				this.current = null;
				return;
			}
		}
		boolean drained = this.truncated ? this.queued.isEmpty() : attempt.next >= this.kept.size();
		if (drained && this.done) {
			this.current = null;
			Throwable failure = this.error;
			if (failure != null) {
				attempt.actual.onError(failure);
			}
			else {
				attempt.actual.onComplete();
			}
			return;
		}
		if (!drained || this.done) {
			return;
		}
		if (!this.sourceSubscribed) {
			this.sourceSubscribed = true;
			this.source.subscribe(this);
		}
		Subscription subscription = this.upstream;
		long wanted = attempt.demand - this.requested;
		if (subscription != null && wanted > 0) {
			this.requested += wanted;
			subscription.request(wanted);
		}
	}

	private void disposeNow() {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		this.current = null;
		this.kept.forEach(ByteBuf::release);
		this.kept.clear();
		this.queued.forEach(ByteBuf::release);
		this.queued.clear();
		Subscription subscription = this.upstream;
		if (subscription != null && !this.done) {
			subscription.cancel();
		}
	}

	/**
	 * One upstream attempt's subscription to the body.
	 */
	private final class Attempt implements Subscription {

		final CoreSubscriber<? super ByteBuf> actual;

		volatile boolean ready;

		volatile boolean cancelled;

		@Nullable Throwable failed;

		long demand;

		int next;

		Attempt(CoreSubscriber<? super ByteBuf> actual) {
			this.actual = actual;
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				offer(new Demand(this, n));
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			offer(new Cancel(this));
		}

	}

	private record Demand(Attempt attempt, long n) {
	}

	private record Cancel(Attempt attempt) {
	}

	private record Subscribed(Subscription subscription) {
	}

	private record Failed(Throwable error) {
	}

}
