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

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.error.ProxyError;
import dev.pingora.proxy.BodyChunk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs body phases over a streamed body: once per chunk, then once at the end with an
 * empty end-of-stream chunk, honouring the delays the phases return. Buffers held while a
 * delay runs are released if the stream is cancelled.
 */
@FunctionalInterface
interface BodyFilter {

	/**
	 * Marks the end of the body in the stream; never sent.
	 */
	ByteBuf END = Unpooled.unreleasableBuffer(Unpooled.buffer(0, 0));

	/**
	 * Run the phases on one chunk.
	 * @param chunk the chunk, whose data the engine owns
	 * @return the delay before the chunk is passed on
	 */
	Duration apply(BodyChunk chunk);

	/**
	 * Apply the phases to a body: each chunk in turn, then the end-of-stream call. The
	 * delay a phase returns for a chunk is waited before the next one is taken (Pingora
	 * sleeps before it continues), so it throttles the stream without holding a buffer.
	 */
	default Flux<ByteBuf> filter(Flux<ByteBuf> body) {
		AtomicLong pause = new AtomicLong();
		return body.concatWith(Mono.just(END)).delayUntil((next) -> {
			long nanos = pause.getAndSet(0);
			return (nanos > 0) ? Mono.delay(Duration.ofNanos(nanos)) : Mono.empty();
		}).<ByteBuf>handle((data, sink) -> {
			boolean end = data == END;
			BodyChunk chunk = new BodyChunk(end ? Unpooled.EMPTY_BUFFER : data, end);
			Duration wait;
			try {
				wait = apply(chunk);
			}
			catch (Throwable ex) {
				ReferenceCountUtil.safeRelease(chunk.data());
				sink.error(ProxyError.from(ex));
				return;
			}
			pause.set(wait.isNegative() ? 0 : wait.toNanos());
			ByteBuf result = chunk.data();
			if (result.isReadable()) {
				sink.next(result);
			}
			else {
				result.release();
			}
		}).doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
	}

}
