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

package dev.pingora.samples.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the code shown in the documentation is the compiled sample code: every block
 * after a {@code <!-- snippet: path#tag -->} marker in {@code docs/} must equal the
 * {@code tag::}/{@code end::} region of that file.
 */
class DocumentationSnippetsTests {

	private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

	private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```java\\R(.*?)\\R```",
			Pattern.DOTALL);

	@Test
	void documentedCodeMatchesTheSamples() throws IOException {
		List<String> checked = new ArrayList<>();
		try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
			for (Path doc : docs.filter((path) -> path.toString().endsWith(".md")).toList()) {
				Matcher matcher = SNIPPET.matcher(Files.readString(doc));
				while (matcher.find()) {
					String expected = region(ROOT.resolve(matcher.group(1)), matcher.group(2));
					assertThat(matcher.group(3))
						.as("%s: snippet %s#%s", ROOT.relativize(doc), matcher.group(1), matcher.group(2))
						.isEqualTo(expected);
					checked.add(matcher.group(2));
				}
			}
		}
		assertThat(checked).contains("server", "proxy");
	}

	private static String region(Path source, String tag) throws IOException {
		List<String> lines = Files.readAllLines(source);
		List<String> region = new ArrayList<>();
		boolean inside = false;
		for (String line : lines) {
			if (line.trim().equals("// end::" + tag + "[]")) {
				break;
			}
			if (inside) {
				region.add(line.replace("\t", "    "));
			}
			if (line.trim().equals("// tag::" + tag + "[]")) {
				inside = true;
			}
		}
		assertThat(region).as("region %s in %s", tag, source).isNotEmpty();
		int indent = region.stream()
			.filter((line) -> !line.isBlank())
			.mapToInt((line) -> line.length() - line.stripLeading().length())
			.min()
			.orElse(0);
		return String.join("\n", region.stream().map((line) -> line.isBlank() ? "" : line.substring(indent)).toList())
			.stripTrailing();
	}

}
