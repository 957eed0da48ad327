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

import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;

/**
 * What {@link ProxyHttp#failToProxy} decided about a failed request.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::FailToProxy}.
 *
 * @param errorCode the status code of the error response, for logs and metrics; 0 when no
 * response was sent (the client had already gone)
 * @param canReuseDownstream whether the client connection may serve another request; it
 * is honoured only when the error happened before anything was sent upstream
 * @since 0.1.0
 */
public record FailToProxy(int errorCode, boolean canReuseDownstream) {

	/**
	 * Return the status code the default {@code failToProxy} answers an error with:
	 * <ul>
	 * <li>{@link ErrorType#HTTP_STATUS}: the status the error carries;</li>
	 * <li>source {@link ErrorSource#UPSTREAM}: 504 (Gateway Timeout) for connect, read
	 * and write timeouts, 502 (Bad Gateway) for everything else;</li>
	 * <li>source {@link ErrorSource#DOWNSTREAM}: 0 (nothing is sent) when the client
	 * connection failed or closed, 408 (Request Timeout) when the client was too slow to
	 * send its body, 400 (Bad Request) otherwise;</li>
	 * <li>anything else: 500 (Internal Server Error).</li>
	 * </ul>
	 * An upstream fault is never answered with 500.
	 * @param error the error
	 * @return the status code, or 0 for no response
	 */
	public static int statusOf(ProxyError error) {
		if (error.type() == ErrorType.HTTP_STATUS) {
			return error.status();
		}
		switch (error.source()) {
			case UPSTREAM:
				return error.type().isTimeout() ? 504 : 502;
			case DOWNSTREAM:
				ErrorType type = error.type();
				if (type == ErrorType.READ_TIMEDOUT) {
					return 408;
				}
				return (type == ErrorType.READ_ERROR || type == ErrorType.WRITE_ERROR
						|| type == ErrorType.CONNECTION_CLOSED || type == ErrorType.WRITE_TIMEDOUT) ? 0 : 400;
			default:
				return 500;
		}
	}

}
