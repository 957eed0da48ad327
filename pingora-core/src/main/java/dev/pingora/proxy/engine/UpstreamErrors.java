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

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.error.RetryType;
import dev.pingora.upstream.HttpPeer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Maps what Netty and Reactor Netty throw on the upstream side to a {@link ProxyError}.
 */
final class UpstreamErrors {

	private UpstreamErrors() {
	}

	/**
	 * Whether the throwable is a failure to establish the connection (TCP or TLS).
	 */
	static boolean isConnectFailure(Throwable throwable, boolean connected) {
		if (throwable instanceof ProxyError error) {
			return error.type().isConnectFailure() && !connected;
		}
		// The TLS handshake is part of connecting: the engine sees the connection only
		// after
		// it, so a TLS error on a connection it already used happened while proxying.
		return !connected;
	}

	/**
	 * Classify an upstream failure.
	 * @param throwable what was thrown
	 * @param connected whether the connection had been established
	 * @param responseStarted whether the response header had arrived
	 * @param peer the peer of the attempt
	 */
	static ProxyError classify(Throwable throwable, boolean connected, boolean responseStarted, HttpPeer peer) {
		if (throwable instanceof ProxyError error) {
			return error;
		}
		String context = "peer " + peer;
		if (find(throwable, SSLException.class) != null) {
			ErrorType type = (find(throwable, CertificateException.class) != null) ? ErrorType.INVALID_CERT
					: ErrorType.TLS_HANDSHAKE_FAILURE;
			return ProxyError.upstream(type, context, throwable);
		}
		if (!connected) {
			return ProxyError.upstream(connectType(throwable), context, throwable);
		}
		if (throwable instanceof ReadTimeoutException) {
			return ProxyError.upstream(ErrorType.READ_TIMEDOUT, context, throwable);
		}
		if (throwable instanceof WriteTimeoutException) {
			return ProxyError.upstream(ErrorType.WRITE_TIMEDOUT, context, throwable);
		}
		if (throwable instanceof PrematureCloseException || throwable instanceof AbortedException
				|| throwable instanceof ClosedChannelException || throwable instanceof IOException) {
			if (responseStarted) {
				return ProxyError.upstream(ErrorType.READ_ERROR, context + ", during the response", throwable);
			}
			// The connection died before any response byte: if it came from the pool, the
			// origin most likely closed it while idle, and the request can go again.
			return ProxyError.upstream(ErrorType.CONNECTION_CLOSED, context + ", before the response", throwable)
				.setRetry(RetryType.REUSED_ONLY);
		}
		if (throwable instanceof DecoderException) {
			return ProxyError.upstream(ErrorType.H1_ERROR, context + ", malformed response", throwable);
		}
		// Not a transport failure: a bug in a phase or in the engine, never the
		// upstream's fault.
		return ProxyError.from(throwable);
	}

	/**
	 * Classify a failure to read the request body from the client.
	 */
	static ProxyError downstreamRead(Throwable throwable) {
		if (throwable instanceof ProxyError error) {
			return error;
		}
		if (throwable instanceof ReadTimeoutException) {
			return ProxyError.downstream(ErrorType.READ_TIMEDOUT, "reading the request body", throwable);
		}
		if (throwable instanceof DecoderException) {
			return ProxyError.downstream(ErrorType.H1_ERROR, "malformed request body", throwable);
		}
		return ProxyError.downstream(ErrorType.READ_ERROR, "reading the request body", throwable);
	}

	private static ErrorType connectType(Throwable throwable) {
		if (throwable instanceof ConnectTimeoutException
				// Reactor Netty shades reactor-pool, so its exception is matched by name.
				|| "PoolAcquireTimeoutException".equals(throwable.getClass().getSimpleName())) {
			return ErrorType.CONNECT_TIMEDOUT;
		}
		if (throwable instanceof NoRouteToHostException) {
			return ErrorType.CONNECT_NO_ROUTE;
		}
		if (throwable instanceof ConnectException) {
			String message = String.valueOf(throwable.getMessage()).toLowerCase(Locale.ROOT);
			if (message.contains("refused")) {
				return ErrorType.CONNECT_REFUSED;
			}
			if (message.contains("no route") || message.contains("unreachable")) {
				return ErrorType.CONNECT_NO_ROUTE;
			}
			if (message.contains("timed out")) {
				return ErrorType.CONNECT_TIMEDOUT;
			}
			return ErrorType.CONNECT_ERROR;
		}
		if (throwable instanceof UnknownHostException) {
			return ErrorType.CONNECT_ERROR;
		}
		return ErrorType.CONNECT_ERROR;
	}

	private static <T extends Throwable> @Nullable T find(Throwable throwable, Class<T> type) {
		Throwable current = throwable;
		for (int depth = 0; current != null && depth < 8; depth++) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			current = current.getCause();
		}
		return null;
	}

}
