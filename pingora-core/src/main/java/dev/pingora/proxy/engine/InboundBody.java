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

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A body arriving on a connection (an upstream response, a client's request) as a
 * {@link Flux} with back-pressure by read demand: the engine's connections do not read on
 * their own ({@code AUTO_READ} is off), and the connection's handler asks for the next
 * read only while the subscriber (the other side) wants chunks; otherwise TCP flow
 * control slows the sender down.
 *
 * <p>
 * Every signal is handled on the connection's event loop; requests and cancels from other
 * threads hop onto it. One subscriber only. Chunks that arrive before the subscriber are
 * held (no further read is asked for, so at most one read's worth).
 */
final class InboundBody extends Flux<ByteBuf> implements Subscription {

	private final Channel channel;

	private final EventLoop loop;

	private final Runnable onCancel;

	private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);

	private @Nullable CoreSubscriber<? super ByteBuf> actual;

	private long demand;

	private boolean done;

	private @Nullable Throwable error;

	private boolean terminated;

	private boolean cancelled;

	private boolean paused;

	private long resumedAt;

	private boolean draining;

	private boolean missed;

	/**
	 * Create the body of a message that is arriving on a connection.
	 * @param channel the connection
	 * @param onCancel what to do when the subscriber cancels (the exchange cannot finish)
	 */
	InboundBody(Channel channel, Runnable onCancel) {
		this.channel = channel;
		this.loop = channel.eventLoop();
		this.onCancel = onCancel;
	}

	@Override
	public void subscribe(CoreSubscriber<? super ByteBuf> subscriber) {
		if (this.loop.inEventLoop()) {
			attach(subscriber);
		}
		else {
			this.loop.execute(() -> attach(subscriber));
		}
	}

	private void attach(CoreSubscriber<? super ByteBuf> subscriber) {
		if (this.actual != null) {
			Operators.error(subscriber, new IllegalStateException("a body allows one subscriber"));
			return;
		}
		this.actual = subscriber;
		subscriber.onSubscribe(this);
		drain();
	}

	@Override
	public void request(long n) {
		if (!Operators.validate(n)) {
			return;
		}
		if (this.loop.inEventLoop()) {
			more(n);
		}
		else {
			this.loop.execute(() -> more(n));
		}
	}

	private void more(long n) {
		this.demand = Operators.addCap(this.demand, n);
		drain();
	}

	@Override
	public void cancel() {
		if (this.loop.inEventLoop()) {
			cancelNow();
		}
		else {
			this.loop.execute(this::cancelNow);
		}
	}

	private void cancelNow() {
		if (this.cancelled || this.terminated) {
			return;
		}
		this.cancelled = true;
		releaseQueued();
		this.onCancel.run();
	}

	/**
	 * A chunk arrived; ownership passes to the body.
	 */
	void offer(ByteBuf chunk) {
		if (this.cancelled || this.done) {
			chunk.release();
			return;
		}
		this.queue.add(chunk);
		drain();
	}

	/**
	 * The body is complete.
	 */
	void complete() {
		if (!this.done) {
			this.done = true;
			drain();
		}
	}

	/**
	 * The body failed.
	 */
	void fail(Throwable failure) {
		if (!this.done) {
			this.error = failure;
			this.done = true;
			drain();
		}
	}

	/**
	 * Whether reads are paused because the subscriber wants nothing now: the sender is
	 * not late, the reader is.
	 */
	boolean isPaused() {
		return this.paused;
	}

	/**
	 * When reads last resumed after a pause, in {@link System#nanoTime()} terms; 0 if
	 * they never paused.
	 */
	long resumedAt() {
		return this.resumedAt;
	}

	/**
	 * Drop what is held when nobody will subscribe any more.
	 */
	void discard() {
		this.cancelled = true;
		releaseQueued();
	}

	private void drain() {
		if (this.draining) {
			this.missed = true;
			return;
		}
		this.draining = true;
		try {
			do {
				this.missed = false;
				drainOnce();
			}
			while (this.missed);
		}
		finally {
			this.draining = false;
		}
		adjustReading();
	}

	private void drainOnce() {
		CoreSubscriber<? super ByteBuf> subscriber = this.actual;
		if (subscriber == null || this.terminated || this.cancelled) {
			return;
		}
		while (this.demand > 0 && !this.queue.isEmpty() && !this.cancelled) {
			this.demand--;
			subscriber.onNext(this.queue.poll());
		}
		if (this.done && this.queue.isEmpty() && !this.cancelled) {
			this.terminated = true;
			Throwable failure = this.error;
			if (failure != null) {
				subscriber.onError(failure);
			}
			else {
				subscriber.onComplete();
			}
		}
	}

	/**
	 * Whether the connection should read again: not while chunks wait for a subscriber
	 * that wants none.
	 */
	boolean wantsMore() {
		return !this.done && !this.cancelled && !this.paused;
	}

	private void adjustReading() {
		if (this.done || this.cancelled) {
			return;
		}
		boolean stop = this.demand == 0 && !this.queue.isEmpty();
		if (stop) {
			this.paused = true;
		}
		else if (this.paused) {
			this.paused = false;
			this.resumedAt = System.nanoTime();
			this.channel.read();
		}
	}

	private void releaseQueued() {
		ByteBuf chunk;
		while ((chunk = this.queue.poll()) != null) {
			chunk.release();
		}
	}

}
