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

package dev.pingora.internal;

import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

/**
 * Sequencing of phase results without operator allocations for phases that return a value
 * known at assembly time ({@code Mono.empty()}, {@code Mono.just(x)}): those implement
 * {@link Fuseable.ScalarCallable} and are read synchronously. That is the common case (a
 * phase the user did not override), so the default path builds no operator chain.
 *
 * <p>
 * Internal: not part of the API, may change without notice.
 */
public final class Monos {

	private Monos() {
	}

	/**
	 * Run {@code next} after {@code phase} completes.
	 */
	/**
	 * Run {@code next} after {@code phase} completes.
	 * @param <R> the result type
	 * @param phase the phase
	 * @param next what follows
	 * @return the sequence
	 */
	public static <R> Mono<R> then(Mono<Void> phase, Supplier<Mono<R>> next) {
		if (phase instanceof Fuseable.ScalarCallable) {
			try {
				call(phase);
			}
			catch (Throwable ex) {
				return Mono.error(ex);
			}
			return next.get();
		}
		return phase.then(Mono.defer(next));
	}

	/**
	 * Run {@code next} with the value of {@code phase}, or with {@code ifEmpty} if it
	 * completes empty.
	 */
	/**
	 * Run {@code next} with the value of {@code phase}, or {@code ifEmpty}.
	 * @param <T> the phase's value type
	 * @param <R> the result type
	 * @param phase the phase
	 * @param ifEmpty the value when the phase completes empty
	 * @param next what follows
	 * @return the sequence
	 */
	public static <T, R> Mono<R> then(Mono<T> phase, T ifEmpty, Function<T, Mono<R>> next) {
		if (phase instanceof Fuseable.ScalarCallable) {
			T value;
			try {
				value = call(phase);
			}
			catch (Throwable ex) {
				return Mono.error(ex);
			}
			return next.apply((value != null) ? value : ifEmpty);
		}
		return phase.defaultIfEmpty(ifEmpty).flatMap(next);
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T call(Mono<T> scalar) throws Exception {
		return ((Callable<T>) scalar).call();
	}

}
