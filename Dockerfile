# One image for both runnable halves: the trainer (one-shot job) and the stream app.
# Build: docker compose build (see README "docker-compose").
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/cli/target/mnist-stream-cli.jar /app/mnist-stream-cli.jar
COPY --from=build /src/cli/target/lib /app/lib
# DJL must never try to download an engine at run time: the native libraries are in lib/
ENV JAVA_TOOL_OPTIONS="-Dai.djl.offline=true"
ENTRYPOINT ["java", "-jar", "/app/mnist-stream-cli.jar"]
CMD ["--help"]
