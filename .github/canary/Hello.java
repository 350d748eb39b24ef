// The JAR fixture of ci.yml's canary job: the smallest service docker-bake can package.
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello from the bakeline canary");
  }
}
