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

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Writes a body to a connection one chunk at a time, asking for the next chunk only while
 * the connection is writable (its outbound buffer below the high water mark) and again
 * once it drains: a slow reader on the other side slows the body's source down instead of
 * filling memory. Every signal is handled on the connection's event loop.
 *
 * <p>
 * Subclasses say how a chunk and the end are written; the request body to an upstream and
 * the response body to a client are the two.
 */
abstract class BodyWriter implements CoreSubscriber<ByteBuf> {

	final Channel channel;

	private volatile @Nullable Subscription subscription;

	private volatile boolean cancelled;

	private boolean waiting;

	BodyWriter(Channel channel) {
		this.channel = channel;
	}

	/**
	 * Run a task on an event loop: at once when already there.
	 */
	static void onLoop(EventExecutor loop, Runnable task) {
		if (loop.inEventLoop()) {
			task.run();
		}
		else {
			loop.execute(task);
		}
	}

	/**
	 * Write one chunk (never flushed yet unless the subclass does so).
	 */
	abstract void write(ByteBuf chunk);

	/**
	 * The body is complete: write its end.
	 */
	abstract void complete();

	/**
	 * The body failed.
	 */
	abstract void fail(Throwable failure);

	/**
	 * Whether the writer no longer writes (its exchange is over); chunks are then
	 * dropped.
	 */
	abstract boolean isOver();

	@Override
	public final void onSubscribe(Subscription s) {
		this.subscription = s;
		if (this.cancelled) {
			s.cancel();
			return;
		}
		s.request(1);
	}

	@Override
	public final void onNext(ByteBuf chunk) {
		EventExecutor loop = this.channel.eventLoop();
		if (loop.inEventLoop()) {
			// The usual case, once per chunk: no task.
			next(chunk);
		}
		else {
			loop.execute(() -> next(chunk));
		}
	}

	private void next(ByteBuf chunk) {
		if (this.cancelled || isOver()) {
			chunk.release();
			return;
		}
		if (chunk.isReadable()) {
			write(chunk);
		}
		else {
			chunk.release();
		}
		if (this.channel.isWritable()) {
			requestOne();
			return;
		}
		// Wait for the connection to drain; the flush may drain it at once.
		this.waiting = true;
		this.channel.flush();
		if (this.channel.isWritable()) {
			resume();
		}
	}

	@Override
	public final void onError(Throwable throwable) {
		onLoop(this.channel.eventLoop(), () -> {
			if (!this.cancelled && !isOver()) {
				fail(throwable);
			}
		});
	}

	@Override
	public final void onComplete() {
		onLoop(this.channel.eventLoop(), () -> {
			if (!this.cancelled && !isOver()) {
				complete();
			}
		});
	}

	/**
	 * The connection became writable again.
	 */
	final void resume() {
		if (this.waiting) {
			this.waiting = false;
			requestOne();
		}
	}

	private void requestOne() {
		Subscription s = this.subscription;
		if (s != null && !this.cancelled) {
			s.request(1);
		}
	}

	/**
	 * Stop writing and cancel the body's source.
	 */
	final void cancel() {
		if (this.cancelled) {
			return;
		}
		this.cancelled = true;
		Subscription s = this.subscription;
		if (s != null) {
			s.cancel();
		}
	}

}
