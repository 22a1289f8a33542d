public enum OutreachCoreVersion { public static let string = "0.1.0" }
