/** Black-box tests: real JVMs started with -javaagent. */
package io.tokenguard.it;
