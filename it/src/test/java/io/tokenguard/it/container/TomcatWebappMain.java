package io.tokenguard.it.container;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Runs the sample app as a webapp of an embedded Tomcat, in a child JVM:
 * {@code java -cp <tomcat jars>:<this> io.tokenguard.it.container.TomcatWebappMain <webapp dir> <sample args>}.
 * The webapp's WEB-INF/lib holds the sample app and its HTTP client library, so both are loaded by
 * Tomcat's webapp class loader (child-first, as in any servlet container) and by nothing else. The app
 * runs inside the started context with that loader as context loader; no connector is opened.
 */
public final class TomcatWebappMain {
    private TomcatWebappMain() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        File base = Files.createTempDirectory("tokenguard-tomcat").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        // No JSP engine on the class path: skip the default web.xml that would declare one.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("/sample", new File(args[0]).getAbsolutePath());
        tomcat.start();
        int exit;
        ClassLoader webapp = context.getLoader().getClassLoader();
        Thread.currentThread().setContextClassLoader(webapp);
        try {
            Class<?> app = Class.forName("io.tokenguard.sample.SampleApp", true, webapp);
            Method run = app.getMethod("run", String[].class, java.io.PrintStream.class, java.io.PrintStream.class);
            exit = (Integer) run.invoke(null, Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
        System.exit(exit);
    }
}
