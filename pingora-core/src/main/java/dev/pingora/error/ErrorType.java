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

package dev.pingora.error;

/**
 * What went wrong. Together with the {@link ErrorSource} it decides the status code of
 * the error response and whether the request can be retried.
 *
 * <p>
 * Pingora counterpart: {@code pingora_error::ErrorType}.
 *
 * @since 0.1.0
 */
public enum ErrorType {

	/** The TCP connection to the upstream was not established within the timeout. */
	CONNECT_TIMEDOUT,

	/** The upstream refused the TCP connection. */
	CONNECT_REFUSED,

	/** There is no route to the upstream host. */
	CONNECT_NO_ROUTE,

	/** Any other failure to connect, such as a name that does not resolve. */
	CONNECT_ERROR,

	/** The TLS handshake with the upstream failed. */
	TLS_HANDSHAKE_FAILURE,

	/** The upstream presented a certificate that did not verify. */
	INVALID_CERT,

	/** A request or response header was malformed. */
	INVALID_HTTP_HEADER,

	/** Any other HTTP/1.x protocol violation. */
	H1_ERROR,

	/** Reading from a connection failed. */
	READ_ERROR,

	/** Writing to a connection failed. */
	WRITE_ERROR,

	/** Nothing was read within the read timeout. */
	READ_TIMEDOUT,

	/** A write did not complete within the write timeout. */
	WRITE_TIMEDOUT,

	/** The peer closed the connection. */
	CONNECTION_CLOSED,

	/** An error that carries the HTTP status code to answer with. */
	HTTP_STATUS,

	/** A bug or an unexpected condition inside the proxy or a user phase. */
	INTERNAL_ERROR,

	/** An error that could not be classified. */
	UNKNOWN_ERROR;

	/**
	 * Whether this type is a timeout, which the default {@code failToProxy} answers with
	 * 504 (Gateway Timeout) when it comes from the upstream.
	 * @return {@code true} for connect, read and write timeouts
	 */
	public boolean isTimeout() {
		return this == CONNECT_TIMEDOUT || this == READ_TIMEDOUT || this == WRITE_TIMEDOUT;
	}

	/**
	 * Whether this type is a failure to establish the upstream connection.
	 * @return {@code true} for the {@code CONNECT_*}, TLS and certificate types
	 */
	public boolean isConnectFailure() {
		return this == CONNECT_TIMEDOUT || this == CONNECT_REFUSED || this == CONNECT_NO_ROUTE || this == CONNECT_ERROR
				|| this == TLS_HANDSHAKE_FAILURE || this == INVALID_CERT;
	}

}
