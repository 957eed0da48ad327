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

package dev.pingora.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs curl (with HTTP/2 support; .ci/run installs it when missing) for tests that need a
 * real HTTP/2 client, and keeps the response heads and body.
 */
public final class Curl {

	private Curl() {
	}

	/**
	 * Run curl with these arguments; it must succeed.
	 */
	public static Result run(String... arguments) {
		Result result = attempt(arguments);
		assertThat(result.exitCode()).as("curl %s: %s", List.of(arguments), result.errors()).isZero();
		return result;
	}

	/**
	 * Run curl with these arguments, whether or not it succeeds.
	 */
	public static Result attempt(String... arguments) {
		try {
			Path head = Files.createTempFile("curl-head", ".txt");
			List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-D", head.toString()));
			command.addAll(List.of(arguments));
			Process process = new ProcessBuilder(command).start();
			byte[] body = process.getInputStream().readAllBytes();
			String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			String heads = Files.readString(head).replace("\r\n", "\n");
			Files.deleteIfExists(head);
			return new Result(heads, new String(body, StandardCharsets.ISO_8859_1), process.exitValue(), errors);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What curl wrote.
	 *
	 * @param head the response heads (-D)
	 * @param body the body
	 * @param exitCode curl's exit code
	 * @param errors what curl wrote to standard error
	 */
	public record Result(String head, String body, int exitCode, String errors) {

		/**
		 * The heads and the body together.
		 */
		public String all() {
			return this.head + this.body;
		}

	}

}
