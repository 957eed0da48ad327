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
	 * Run the phases on one chunk.
	 * @param chunk the chunk, whose data the engine owns
	 * @return the delay before the chunk is passed on
	 */
	Duration apply(BodyChunk chunk);

	default Flux<ByteBuf> filter(Flux<ByteBuf> body) {
		return body.concatMap((data) -> run(data, false), 0)
			.concatWith(Mono.defer(() -> run(Unpooled.EMPTY_BUFFER, true)))
			.doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
	}

	private Mono<ByteBuf> run(ByteBuf data, boolean endOfStream) {
		BodyChunk chunk = new BodyChunk(data, endOfStream);
		Duration delay;
		try {
			delay = apply(chunk);
		}
		catch (Throwable ex) {
			ReferenceCountUtil.safeRelease(chunk.data());
			return Mono.error(ex);
		}
		ByteBuf result = chunk.data();
		if (!result.isReadable()) {
			result.release();
			return (delay.isZero() || delay.isNegative()) ? Mono.empty() : Mono.delay(delay).then(Mono.empty());
		}
		Mono<ByteBuf> next = Mono.just(result);
		return (delay.isZero() || delay.isNegative()) ? next : next.delayElement(delay);
	}

}
