package dev.steward.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Which daemon answers, for {@code steward version}. */
@QuarkusTest
class ApiVersionTest {

    @Test
    void theDaemonSaysItsVersionJavaPidAndStart() {
        given().get("/api/v1/version").then().statusCode(200)
                .contentType("application/json")
                .body("version", equalTo(dev.steward.Version.current()))
                .body("java", equalTo(Runtime.version().toString()))
                .body("pid", equalTo((int) ProcessHandle.current().pid())) // the test runs the daemon in-process
                .body("startedAt", notNullValue());
    }
}
