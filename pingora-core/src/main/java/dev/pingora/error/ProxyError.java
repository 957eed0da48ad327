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

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An error on the proxy path: its {@link ErrorType}, the {@link ErrorSource} it came from
 * and whether the request may be retried ({@link RetryType}).
 *
 * <p>
 * Phases signal errors by returning a failed {@code Mono} or throwing a
 * {@code ProxyError}; any other exception is wrapped as an
 * {@link ErrorType#INTERNAL_ERROR}. To answer a request with a given status from a phase,
 * use {@link #status(int, String)}.
 *
 * <p>
 * Errors built by the engine carry no stack trace of their own (they are expected events
 * on a proxy, not bugs); the underlying {@link #getCause() cause}, if any, keeps its own.
 *
 * <p>
 * Pingora counterpart: {@code pingora_error::Error}.
 *
 * @since 0.1.0
 */
public final class ProxyError extends RuntimeException {

	private final ErrorType type;

	private final ErrorSource source;

	private final int status;

	private volatile RetryType retry;

	private ProxyError(ErrorType type, ErrorSource source, int status, RetryType retry, String context,
			@Nullable Throwable cause) {
		super(context, cause, false, false);
		this.type = type;
		this.source = source;
		this.status = status;
		this.retry = retry;
	}

	/**
	 * Create an error.
	 * @param type what went wrong
	 * @param source which side it came from
	 * @param context a short description for logs, such as the peer or the operation
	 * @param cause the underlying exception, if any
	 * @return a new error that is not retryable
	 */
	public static ProxyError of(ErrorType type, ErrorSource source, String context, @Nullable Throwable cause) {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(context, "context");
		if (type == ErrorType.HTTP_STATUS) {
			throw new IllegalArgumentException("type: HTTP_STATUS (expected: use ProxyError.status(int, String))");
		}
		return new ProxyError(type, source, 0, RetryType.NEVER, context, cause);
	}

	/**
	 * Create an error that came from the upstream.
	 * @param type what went wrong
	 * @param context a short description for logs
	 * @param cause the underlying exception, if any
	 * @return a new upstream error that is not retryable
	 */
	public static ProxyError upstream(ErrorType type, String context, @Nullable Throwable cause) {
		return of(type, ErrorSource.UPSTREAM, context, cause);
	}

	/**
	 * Create an error that came from the downstream client.
	 * @param type what went wrong
	 * @param context a short description for logs
	 * @param cause the underlying exception, if any
	 * @return a new downstream error that is not retryable
	 */
	public static ProxyError downstream(ErrorType type, String context, @Nullable Throwable cause) {
		return of(type, ErrorSource.DOWNSTREAM, context, cause);
	}

	/**
	 * Create an internal error.
	 * @param context a short description for logs
	 * @param cause the underlying exception, if any
	 * @return a new internal error that is not retryable
	 */
	public static ProxyError internal(String context, @Nullable Throwable cause) {
		return of(ErrorType.INTERNAL_ERROR, ErrorSource.INTERNAL, context, cause);
	}

	/**
	 * Create an error that makes the default {@code failToProxy} answer with the given
	 * status, for example {@code ProxyError.status(403, "not allowed")} from a request
	 * phase.
	 * @param status the HTTP status code to answer with, 100 to 599
	 * @param context a short description for logs
	 * @return a new error that is not retryable
	 */
	public static ProxyError status(int status, String context) {
		Objects.requireNonNull(context, "context");
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status: " + status + " (expected: 100 to 599)");
		}
		return new ProxyError(ErrorType.HTTP_STATUS, ErrorSource.UNSET, status, RetryType.NEVER, context, null);
	}

	/**
	 * Return the given throwable as a {@code ProxyError}, wrapping anything else as an
	 * {@link ErrorType#INTERNAL_ERROR}.
	 * @param throwable the throwable
	 * @return the same instance if it is a {@code ProxyError}, a new internal error
	 * otherwise
	 */
	public static ProxyError from(Throwable throwable) {
		Objects.requireNonNull(throwable, "throwable");
		if (throwable instanceof ProxyError proxyError) {
			return proxyError;
		}
		return internal(String.valueOf(throwable), throwable);
	}

	/**
	 * Return what went wrong.
	 * @return the error type
	 */
	public ErrorType type() {
		return this.type;
	}

	/**
	 * Return which side the error came from.
	 * @return the error source
	 */
	public ErrorSource source() {
		return this.source;
	}

	/**
	 * Return the HTTP status carried by an {@link ErrorType#HTTP_STATUS} error.
	 * @return the status code, or 0 for other types
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Return the retry decision.
	 * @return the retry type
	 */
	public RetryType retry() {
		return this.retry;
	}

	/**
	 * Whether the proxy should try the request again (the decision is
	 * {@link RetryType#ALWAYS}).
	 * @return {@code true} to retry
	 */
	public boolean isRetry() {
		return this.retry == RetryType.ALWAYS;
	}

	/**
	 * Decide whether the request may be retried. Call it from {@code failToConnect} or
	 * {@code errorWhileProxy}, for example to fail over to another backend.
	 * @param retry {@code true} to retry
	 * @return this error
	 */
	public ProxyError setRetry(boolean retry) {
		this.retry = retry ? RetryType.ALWAYS : RetryType.NEVER;
		return this;
	}

	/**
	 * Set the retry decision.
	 * @param retry the retry type
	 * @return this error
	 */
	public ProxyError setRetry(RetryType retry) {
		this.retry = Objects.requireNonNull(retry, "retry");
		return this;
	}

	/**
	 * Return this error with the given source: this instance if the source matches, a
	 * copy otherwise (with the same type, status, retry decision, context and cause).
	 * @param source the source
	 * @return an error from the given source
	 */
	public ProxyError withSource(ErrorSource source) {
		Objects.requireNonNull(source, "source");
		if (this.source == source) {
			return this;
		}
		return new ProxyError(this.type, source, this.status, this.retry, contextOf(this), getCause());
	}

	/**
	 * Return the context text given when the error was created.
	 * @return the context
	 */
	public String context() {
		return contextOf(this);
	}

	@Override
	public String getMessage() {
		StringBuilder message = new StringBuilder(64).append(this.type);
		if (this.type == ErrorType.HTTP_STATUS) {
			message.append('(').append(this.status).append(')');
		}
		message.append(" (")
			.append(this.source.name().toLowerCase(java.util.Locale.ROOT))
			.append("): ")
			.append(contextOf(this));
		Throwable cause = getCause();
		if (cause != null && cause != this) {
			message.append(": ").append(cause.getClass().getSimpleName());
			if (cause.getMessage() != null) {
				message.append(": ").append(cause.getMessage());
			}
		}
		return message.toString();
	}

	private static String contextOf(ProxyError error) {
		String message = error.getLocalizedMessageRaw();
		return (message != null) ? message : "";
	}

	private @Nullable String getLocalizedMessageRaw() {
		return super.getMessage();
	}

}
