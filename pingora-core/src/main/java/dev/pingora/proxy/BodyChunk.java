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

import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * One piece of a streamed body, handed to the body phases
 * ({@link ProxyHttp#requestBodyFilter}, {@link ProxyHttp#upstreamResponseBodyFilter},
 * {@link ProxyHttp#responseBodyFilter}).
 *
 * <p>
 * <strong>Buffer ownership.</strong> The engine owns {@link #data()}: a filter may read
 * it or change its bytes in place, but must not release it. To send something else, call
 * {@link #replace(ByteBuf)} with a new buffer: the engine then owns the new buffer and
 * releases the old one. To drop the chunk, replace it with {@code Unpooled.EMPTY_BUFFER}.
 * Empty chunks are not forwarded. When a filter changes the body length it should also
 * remove the {@code Content-Length} header in the matching header phase.
 *
 * <p>
 * At the end of the body every body phase is called once more with an empty chunk for
 * which {@link #isEndOfStream()} is {@code true}; data put there with {@code replace} is
 * sent as the last piece of the body.
 *
 * <p>
 * Pingora counterpart: the {@code &mut Option<Bytes>} and {@code end_of_stream} arguments
 * of the body filters.
 *
 * @since 0.1.0
 */
public final class BodyChunk {

	private ByteBuf data;

	private final boolean endOfStream;

	/**
	 * Create a chunk.
	 * @param data the data, owned by the chunk from now on
	 * @param endOfStream whether this is the end of the body
	 */
	public BodyChunk(ByteBuf data, boolean endOfStream) {
		this.data = Objects.requireNonNull(data, "data");
		this.endOfStream = endOfStream;
	}

	/**
	 * Return the data of this chunk; see the class documentation for who releases it.
	 * @return the data
	 */
	public ByteBuf data() {
		return this.data;
	}

	/**
	 * Replace the data of this chunk. The previous buffer is released now; the new one is
	 * owned by the engine.
	 * @param data the new data
	 * @return this chunk
	 */
	public BodyChunk replace(ByteBuf data) {
		Objects.requireNonNull(data, "data");
		if (data != this.data) {
			ReferenceCountUtil.release(this.data);
			this.data = data;
		}
		return this;
	}

	/**
	 * Whether this call marks the end of the body.
	 * @return {@code true} for the last call of the body
	 */
	public boolean isEndOfStream() {
		return this.endOfStream;
	}

}
